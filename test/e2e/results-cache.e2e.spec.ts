import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

// Public results are cacheable by the position they reflect: ETag, If-None-Match → 304, Cache-Control.
let api: TestApi;
const election = smallElection();
const e = `/elections/${election.electionId}`;
const anonymous = { authorization: '' };

beforeAll(async () => {
  api = await startTestApi({ RESULTS_MAX_AGE_SECONDS: '3' });
  expect((await api.call('POST', '/elections', election)).status).toBe(201);
});
afterAll(() => api.close());

describe('public results: ETag = position, If-None-Match → 304', () => {
  const endpoints = [
    `${e}/results/city`,
    `${e}/results/districts`,
    `${e}/results/districts/ba-dinh`,
    `${e}/turnout`,
  ];

  it.each(endpoints)(
    '%s: 304 while nothing changed, 200 with a new ETag once a sheet is projected',
    async (url) => {
      const first = await api.call('POST', `${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));
      const position = first.status === 201 ? first.body.position : undefined;
      const fresh = await api.call(
        'GET',
        position === undefined ? url : `${url}?minPosition=${position}`,
        undefined,
        anonymous,
      );
      expect(fresh.status).toBe(200);
      expect(fresh.headers.etag).toBe(`"${fresh.body.position}"`);
      expect(fresh.headers['cache-control']).toBe('public, max-age=3');

      const again = await api.call('GET', url, undefined, {
        ...anonymous,
        'if-none-match': String(fresh.headers.etag),
      });
      expect([again.status, again.body, again.headers.etag]).toEqual([304, undefined, fresh.headers.etag]);
      // a list of tags, and a weak one, match too (RFC 9110 §13.1.2)
      const listed = await api.call('GET', url, undefined, {
        ...anonymous,
        'if-none-match': `"x", W/${fresh.headers.etag}`,
      });
      expect(listed.status).toBe(304);

      const other = await api.call('GET', url, undefined, { ...anonymous, 'if-none-match': '"-5"' });
      expect(other.status).toBe(200);
      expect(other.body).toEqual(fresh.body);
    },
  );

  it('a new sheet changes the ETag: the old one gets 200 with the new figures', async () => {
    const before = await api.call('GET', `${e}/results/city`, undefined, anonymous);
    const sheet = await api.call('POST', `${e}/tallies`, secondBaDinhNaSheet());
    expect(sheet.status).toBe(201);
    const after = await api.call('GET', `${e}/results/city?minPosition=${sheet.body.position}`, undefined, {
      ...anonymous,
      'if-none-match': String(before.headers.etag),
    });
    expect(after.status).toBe(200);
    expect(after.headers.etag).toBe(`"${after.body.position}"`);
    expect(after.body.position).toBeGreaterThan(before.body.position);
  });

  it('time travel by position never changes: kept for a day; its ETag is the position asked for', async () => {
    const at = await api.call('GET', `${e}/results/city?atPosition=0`, undefined, anonymous);
    expect(at.status).toBe(200);
    expect(at.headers.etag).toBe(`"${at.body.position}"`);
    expect(at.headers['cache-control']).toBe('public, max-age=86400');
    const again = await api.call('GET', `${e}/results/city?atPosition=0`, undefined, {
      ...anonymous,
      'if-none-match': String(at.headers.etag),
    });
    expect(again.status).toBe(304);
  });

  it('errors are not cacheable', async () => {
    const missing = await api.call('GET', '/elections/no-such/results/city', undefined, anonymous);
    expect(missing.status).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
  });
});
