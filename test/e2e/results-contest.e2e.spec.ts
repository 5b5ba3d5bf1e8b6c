import { startTestApi, TestApi } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';

// ?contest= narrows the results to one contest (a national answer over four contests is ~10 MB).
let api: TestApi;
const election = smallElection();
const e = `/elections/${election.electionId}`;
let position: number;

beforeAll(async () => {
  api = await startTestApi();
  expect((await api.call('POST', '/elections', election)).status).toBe(201);
  const sheet = await api.call('POST', `${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));
  expect(sheet.status).toBe(201);
  position = sheet.body.position;
});
afterAll(() => api.close());

describe('results of one contest: ?contest=', () => {
  it.each([
    ['city', `${e}/results/city`],
    ['districts', `${e}/results/districts`],
    ['one district', `${e}/results/districts/ba-dinh`],
    ['city, time travel', `${e}/results/city?atPosition=${0}`],
  ])('%s: only that contest, the same figures as without the filter', async (_, url) => {
    const withQuery = (extra: Record<string, string>) => {
      const u = new URL(url, 'http://api');
      if (!u.searchParams.has('atPosition')) u.searchParams.set('minPosition', String(position));
      for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
      return `${u.pathname}${u.search}`;
    };
    const all = await api.call('GET', withQuery({}));
    const na = await api.call('GET', withQuery({ contest: 'na' }));
    expect([all.status, na.status]).toEqual([200, 200]);
    const contestsOf = (body: {
      contests?: Array<{ contestId: string }>;
      districts?: Array<{ contests: Array<{ contestId: string }> }>;
    }) => body.contests ?? body.districts!.flatMap((d) => d.contests);
    expect(contestsOf(all.body).map((c) => c.contestId)).toContain('hdnd-tp');
    expect(new Set(contestsOf(na.body).map((c) => c.contestId))).toEqual(new Set(['na']));
    expect(contestsOf(na.body)).toEqual(contestsOf(all.body).filter((c) => c.contestId === 'na'));
  });

  it('404 TALLY.UNKNOWN_CONTEST for a contest the election does not hold; 400 for a malformed one', async () => {
    const unknown = await api.call('GET', `${e}/results/city?contest=senate`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'TALLY.UNKNOWN_CONTEST']);
    const bad = await api.call('GET', `${e}/results/city?contest=NA!`);
    expect([bad.status, bad.body.code]).toEqual([400, 'REQUEST.INVALID']);
  });
});
