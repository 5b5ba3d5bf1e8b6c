import { EventStore } from '@tally/event-store';
import { bearer, startTestApi, TestApi } from '../support/api';
import { POLLING_AREAS, sheetOf, smallElection } from '../support/fixtures';

/**
 * Annulment over HTTP (Art. 80): a city admin annuls a unit's result with a reason, the results show it as
 * re-vote-required (annulled) with the annulment, time travel before it shows the outcome before; every refusal is
 * problem+json and appends nothing.
 */
let api: TestApi;
let store: EventStore;
let e: string;
const tokens: Record<string, Record<string, string>> = {};
const REASON = 'Số phiếu thu vào nhiều hơn số phiếu phát ra 75 phiếu';

const unitUrl = (contestId: string, unitId: string) =>
  `/elections/${e}/contests/${contestId}/units/${unitId}`;

async function refused(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  status: number,
  code: string,
) {
  const before = await store.headPosition();
  const res = await api.call('POST', url, body, headers);
  expect([res.status, res.body.code]).toEqual([status, code]);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(await store.headPosition()).toBe(before);
  return res;
}

async function results(query: string) {
  const city = await api.call('GET', `/elections/${e}/results/city?${query}`);
  const district = await api.call('GET', `/elections/${e}/results/districts/tay-ho?${query}`);
  expect([city.status, district.status]).toEqual([200, 200]);
  const unitOf = (contests: Array<{ contestId: string; units: unknown[] }>) =>
    contests.find((c) => c.contestId === 'na')!.units[0] as Record<string, unknown>;
  return { city: unitOf(city.body.contests), district: unitOf(district.body.contests) };
}

beforeAll(async () => {
  api = await startTestApi();
  store = api.app.get(EventStore);
  // An admin of both districts the NA unit spans: it may certify the unit, never annul it.
  tokens.districtAdmin = bearer(
    await api.tokenFor({ role: 'admin', districts: ['ba-dinh', 'tay-ho'], sub: 'admin-2' }),
  );
  tokens.auditor = bearer(await api.tokenFor({ role: 'auditor' }));
  tokens.submitter = bearer(await api.tokenFor({ role: 'submitter', districts: ['ba-dinh'] }));
  tokens.public = { authorization: '' };
  e = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(e))).status).toBe(201);
  for (const pa of POLLING_AREAS) {
    for (const contestId of ['na', 'hdnd-tp'] as const) {
      expect((await api.call('POST', `/elections/${e}/tallies`, sheetOf(pa, contestId))).status).toBe(201);
    }
  }
});
afterAll(() => api?.close());

describe('annulment of a unit’s result', () => {
  let annulledAt: number;

  it('a city admin only: a district admin, an auditor and a submitter get 403, the public 401', async () => {
    const url = `${unitUrl('na', 'na-01')}/annulment`;
    await refused(url, { reason: REASON }, tokens.districtAdmin, 403, 'AUTH.FORBIDDEN');
    await refused(url, { reason: REASON }, tokens.auditor, 403, 'AUTH.FORBIDDEN');
    await refused(url, { reason: REASON }, tokens.submitter, 403, 'AUTH.FORBIDDEN');
    await refused(url, { reason: REASON }, tokens.public, 401, 'AUTH.TOKEN_MISSING');
  });

  it('a reason of at least 10 characters: 422 TALLY.REASON_TOO_SHORT; none at all is 400', async () => {
    const url = `${unitUrl('na', 'na-01')}/annulment`;
    const res = await refused(url, { reason: '  vi phạm  ' }, {}, 422, 'TALLY.REASON_TOO_SHORT');
    expect(res.body.violations).toEqual([expect.objectContaining({ field: 'reason' })]);
    await refused(url, {}, {}, 400, 'REQUEST.INVALID');
  });

  it('unknown units, contests and elections are 404', async () => {
    await refused(`${unitUrl('na', 'na-99')}/annulment`, { reason: REASON }, {}, 404, 'UNIT.NOT_FOUND');
    await refused(`${unitUrl('senate', 'na-01')}/annulment`, { reason: REASON }, {}, 404, 'UNIT.NOT_FOUND');
    await refused(
      '/elections/nope/contests/na/units/na-01/annulment',
      { reason: REASON },
      {},
      404,
      'ELECTION.NOT_FOUND',
    );
  });

  it('201: the unit requires a re-vote in the city and district results, with the annulment', async () => {
    const before = await results(`minPosition=${await store.headPosition()}`);
    expect(before.city).toMatchObject({ outcome: 'elected', outcomeReason: null, annulment: null });

    const res = await api.call('POST', `${unitUrl('na', 'na-01')}/annulment`, { reason: `  ${REASON} ` });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toEqual({
      electionId: e,
      contestId: 'na',
      unitId: 'na-01',
      revision: 0,
      position: expect.any(Number),
      status: 'annulled',
      outcome: 're-vote-required',
      outcomeReason: 'annulled',
      annulledAt: expect.any(String),
      reason: REASON,
    });
    annulledAt = res.body.position;
    expect(await store.headPosition()).toBe(annulledAt);

    const after = await results(`minPosition=${annulledAt}`);
    const annulment = { at: res.body.annulledAt, by: 'city-admin', reason: REASON };
    for (const unit of [after.city, after.district]) {
      expect(unit).toMatchObject({
        outcome: 're-vote-required',
        outcomeReason: 'annulled',
        seatsUnfilled: 2,
        annulment,
        combined: { outcome: 're-vote-required', outcomeReason: 'annulled', elected: [] },
      });
    }
    // The counts stay as counted; they elect nobody.
    expect(after.city.votersVoted).toBe(before.city.votersVoted);
    expect((after.city.candidates as Array<{ elected: boolean }>).map((c) => c.elected)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('once only: 409 UNIT.ALREADY_ANNULLED', async () => {
    const res = await refused(
      `${unitUrl('na', 'na-01')}/annulment`,
      { reason: REASON },
      {},
      409,
      'UNIT.ALREADY_ANNULLED',
    );
    expect(res.body.annulledAt).toEqual(expect.any(String));
  });

  it('a certified unit: 409 UNIT.ANNUL_CERTIFIED until its certification is revoked', async () => {
    const url = unitUrl('hdnd-tp', 'tp-01');
    expect((await api.call('POST', `${url}/certification`, {})).status).toBe(201);
    await refused(`${url}/annulment`, { reason: REASON }, {}, 409, 'UNIT.ANNUL_CERTIFIED');
    const revoked = await api.call('POST', `${url}/certification/revocation`, {
      reason: 'Khiếu nại về khu vực ba-dinh-0001',
    });
    expect(revoked.status).toBe(201);
    const res = await api.call('POST', `${url}/annulment`, { reason: REASON });
    expect([res.status, res.body.revision]).toEqual([201, 2]);
    const city = await api.call('GET', `/elections/${e}/results/city?minPosition=${res.body.position}`);
    const tp = city.body.contests.find((c: { contestId: string }) => c.contestId === 'hdnd-tp');
    expect(tp.units.map((u: { outcomeReason: string | null }) => u.outcomeReason)).toEqual([
      'annulled',
      null,
    ]);
  });

  it('an annulled unit may still be certified: the record says re-vote-required', async () => {
    const res = await api.call('POST', `${unitUrl('na', 'na-01')}/certification`, {});
    expect(res.status).toBe(201);
    expect(res.body.record).toEqual({
      outcome: 're-vote-required',
      outcomeReason: 'annulled',
      seatsUnfilled: 2,
      elected: [],
      pollingAreas: 4,
    });
    const { city } = await results(`minPosition=${res.body.position}`);
    expect(city).toMatchObject({
      outcome: 're-vote-required',
      annulment: { by: 'city-admin' },
      certified: { position: res.body.position },
    });
  });

  it('time travel before the annulment shows the outcome before, at it the annulment', async () => {
    const before = await results(`atPosition=${annulledAt - 1}`);
    for (const unit of [before.city, before.district]) {
      expect(unit).toMatchObject({ outcome: 'elected', outcomeReason: null, annulment: null });
    }
    const at = await results(`atPosition=${annulledAt}`);
    for (const unit of [at.city, at.district]) {
      expect(unit).toMatchObject({
        outcome: 're-vote-required',
        outcomeReason: 'annulled',
        annulment: { by: 'city-admin', reason: REASON },
        certified: null,
      });
    }
  });

  it('the audit trail lists the annulments with their reason', async () => {
    const res = await api.call('GET', `/elections/${e}/audit?limit=100`);
    const lines = res.body.items
      .filter((i: { type: string }) => i.type === 'UnitResultAnnulled')
      .map((i: { summary: string; reason: string; actor: { id: string } }) => [
        i.summary,
        i.reason,
        i.actor.id,
      ]);
    expect(lines).toEqual([
      ['Result of unit na-01 / na annulled: a re-vote is required', REASON, 'city-admin'],
      ['Result of unit tp-01 / hdnd-tp annulled: a re-vote is required', REASON, 'city-admin'],
    ]);
  });
});
