import { EventStore } from '@tally/event-store';
import { bearer, startTestApi, TestApi } from '../support/api';
import { correctionOf, POLLING_AREAS, sheetOf, smallElection } from '../support/fixtures';

/**
 * Certification over HTTP: refused while a unit is incomplete, locks the unit's sheets, shows in the results and
 * in time travel, revocation reopens it; every refusal appends nothing.
 */
let api: TestApi;
let store: EventStore;
let e: string;
const tokens: Record<string, Record<string, string>> = {};

const unitUrl = (contestId: string, unitId: string) =>
  `/elections/${e}/contests/${contestId}/units/${unitId}`;

async function refused(
  method: 'POST' | 'GET',
  url: string,
  body: unknown,
  headers: Record<string, string>,
  status: number,
  code: string,
) {
  const before = await store.headPosition();
  const res = await api.call(method, url, body, headers);
  expect([res.status, res.body.code]).toEqual([status, code]);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(await store.headPosition()).toBe(before);
  return res;
}

async function city(minPosition: number) {
  const res = await api.call('GET', `/elections/${e}/results/city?minPosition=${minPosition}`);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  api = await startTestApi();
  store = api.app.get(EventStore);
  tokens.baDinhAdmin = bearer(await api.tokenFor({ role: 'admin', districts: ['ba-dinh'], sub: 'admin-bd' }));
  tokens.bothAdmin = bearer(
    await api.tokenFor({ role: 'admin', districts: ['ba-dinh', 'tay-ho'], sub: 'admin-2' }),
  );
  tokens.submitter = bearer(await api.tokenFor({ role: 'submitter', districts: ['ba-dinh'] }));
  e = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(e))).status).toBe(201);
});
afterAll(() => api?.close());

describe('certification of a unit', () => {
  const sheets = Object.fromEntries(POLLING_AREAS.map((pa) => [pa, sheetOf(pa, 'na')]));
  let certifiedAt: number;

  it('UNIT.NOT_COMPLETE (409) while a polling area is unreported, naming them', async () => {
    for (const pa of POLLING_AREAS.slice(0, 3)) {
      expect((await api.call('POST', `/elections/${e}/tallies`, sheets[pa])).status).toBe(201);
    }
    const res = await refused(
      'POST',
      `${unitUrl('na', 'na-01')}/certification`,
      {},
      {},
      409,
      'UNIT.NOT_COMPLETE',
    );
    expect(res.body.pollingAreas).toEqual({ unreported: ['tay-ho-0002'] });
  });

  it('who may certify: not a submitter, not an admin of one of the two districts the unit spans', async () => {
    expect((await api.call('POST', `/elections/${e}/tallies`, sheets['tay-ho-0002'])).status).toBe(201);
    const url = `${unitUrl('na', 'na-01')}/certification`;
    await refused('POST', url, {}, tokens.submitter, 403, 'AUTH.FORBIDDEN');
    await refused('POST', url, {}, tokens.baDinhAdmin, 403, 'AUTH.OUT_OF_SCOPE');
  });

  it('an admin of every district of the unit certifies it: the record, and the results show it', async () => {
    const res = await api.call(
      'POST',
      `${unitUrl('na', 'na-01')}/certification`,
      { reason: 'Biên bản xác định kết quả đã ký' },
      tokens.bothAdmin,
    );
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toMatchObject({
      electionId: e,
      contestId: 'na',
      unitId: 'na-01',
      revision: 0,
      status: 'certified',
      record: { outcome: 'elected', seatsUnfilled: 0, elected: ['na-01-1', 'na-01-2'], pollingAreas: 4 },
    });
    certifiedAt = res.body.position;
    const body = await city(certifiedAt);
    const na = body.contests.find((c: { contestId: string }) => c.contestId === 'na');
    expect(na.units[0].certified).toEqual({ at: expect.any(String), by: 'admin-2', position: certifiedAt });
    expect([na.unitsCertified, na.unitsTotal, body.unitsCertified, body.unitsTotal, body.official]).toEqual([
      1,
      1,
      1,
      3,
      false,
    ]);
    const district = await api.call(
      'GET',
      `/elections/${e}/results/districts/tay-ho?minPosition=${certifiedAt}`,
    );
    expect(district.body.contests.find((c: { contestId: string }) => c.contestId === 'na').units).toEqual([
      expect.objectContaining({ unitId: 'na-01', outcome: 'elected', certified: na.units[0].certified }),
    ]);
  });

  it('locks the unit: a correction or another sheet is 409 TALLY.UNIT_CERTIFIED; certifying again is 409', async () => {
    await refused(
      'POST',
      `/elections/${e}/tallies/ba-dinh-0001/na/corrections`,
      correctionOf(sheetOf('ba-dinh-0001', 'na', 5)),
      { 'if-match': '"0"' },
      409,
      'TALLY.UNIT_CERTIFIED',
    );
    await refused(
      'POST',
      `/elections/${e}/tallies`,
      sheetOf('ba-dinh-0001', 'na'),
      {},
      409,
      'TALLY.UNIT_CERTIFIED',
    );
    await refused('POST', `${unitUrl('na', 'na-01')}/certification`, {}, {}, 409, 'UNIT.ALREADY_CERTIFIED');
    // A retry of the stored submission still gets its original answer.
    const retry = await api.call('POST', `/elections/${e}/tallies`, sheets['ba-dinh-0001']);
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    // Another unit's sheets are not locked.
    const council = await api.call('POST', `/elections/${e}/tallies`, sheetOf('ba-dinh-0001', 'hdnd-tp'));
    expect(council.status).toBe(201);
  });

  it('revocation: a city admin only, with a reason; it reopens the unit', async () => {
    const url = `${unitUrl('na', 'na-01')}/certification/revocation`;
    const reason = { reason: 'Khiếu nại về khu vực ba-dinh-0001' };
    await refused('POST', url, reason, tokens.bothAdmin, 403, 'AUTH.FORBIDDEN');
    await refused('POST', url, { reason: 'sai' }, {}, 422, 'TALLY.REASON_TOO_SHORT');
    const res = await api.call('POST', url, reason);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ revision: 1, status: 'uncertified', record: null });
    const body = await city(res.body.position);
    expect(body.contests[0].units[0].certified).toBeNull();
    await refused('POST', url, reason, {}, 409, 'UNIT.NOT_CERTIFIED');

    const corrected = await api.call(
      'POST',
      `/elections/${e}/tallies/ba-dinh-0001/na/corrections`,
      correctionOf(sheetOf('ba-dinh-0001', 'na', 5)),
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const again = await api.call('POST', `${unitUrl('na', 'na-01')}/certification`, {});
    expect([again.status, again.body.revision]).toEqual([201, 2]);
    const now = await city(again.body.position);
    expect(now.contests[0].units[0].certified.position).toBe(again.body.position);
  });

  it('time travel before the certification shows the unit uncertified, after it certified', async () => {
    const before = await api.call('GET', `/elections/${e}/results/city?atPosition=${certifiedAt - 1}`);
    expect(before.body.contests[0].units[0].certified).toBeNull();
    const at = await api.call('GET', `/elections/${e}/results/city?atPosition=${certifiedAt}`);
    expect(at.body.contests[0].units[0].certified).toMatchObject({ by: 'admin-2', position: certifiedAt });
  });

  it('a unit of one district is certified by that district’s admin; all certified → official', async () => {
    for (const pa of ['ba-dinh-0002', 'tay-ho-0001', 'tay-ho-0002']) {
      expect((await api.call('POST', `/elections/${e}/tallies`, sheetOf(pa, 'hdnd-tp'))).status).toBe(201);
    }
    const tp1 = await api.call(
      'POST',
      `${unitUrl('hdnd-tp', 'tp-01')}/certification`,
      {},
      tokens.baDinhAdmin,
    );
    expect(tp1.status).toBe(201);
    await refused(
      'POST',
      `${unitUrl('hdnd-tp', 'tp-02')}/certification`,
      {},
      tokens.baDinhAdmin,
      403,
      'AUTH.OUT_OF_SCOPE',
    );
    const tp2 = await api.call('POST', `${unitUrl('hdnd-tp', 'tp-02')}/certification`, {});
    expect(tp2.status).toBe(201);
    const body = await city(tp2.body.position);
    expect([body.unitsCertified, body.unitsTotal, body.official]).toEqual([3, 3, true]);
  });

  it('unknown units, contests and elections are 404', async () => {
    await refused('POST', `${unitUrl('na', 'na-99')}/certification`, {}, {}, 404, 'UNIT.NOT_FOUND');
    await refused('POST', `${unitUrl('senate', 'na-01')}/certification`, {}, {}, 404, 'UNIT.NOT_FOUND');
    await refused(
      'POST',
      `/elections/nope/contests/na/units/na-01/certification`,
      {},
      {},
      404,
      'ELECTION.NOT_FOUND',
    );
    await refused(
      'POST',
      `${unitUrl('na', 'na-99')}/certification/revocation`,
      { reason: 'Khiếu nại về kết quả' },
      {},
      404,
      'UNIT.NOT_FOUND',
    );
  });

  it('the audit trail lists the certifications and the revocation', async () => {
    const res = await api.call('GET', `/elections/${e}/audit?limit=100`);
    const lines = res.body.items
      .filter((i: { type: string }) => i.type.startsWith('Unit'))
      .map((i: { type: string; summary: string; reason: string | null }) => [i.type, i.summary, i.reason]);
    expect(lines.slice(0, 3)).toEqual([
      ['UnitCertified', 'Unit na-01 / na certified: elected, 2 elected', 'Biên bản xác định kết quả đã ký'],
      [
        'UnitCertificationRevoked',
        'Certification of unit na-01 / na revoked',
        'Khiếu nại về khu vực ba-dinh-0001',
      ],
      ['UnitCertified', 'Unit na-01 / na certified: elected, 2 elected', null],
    ]);
  });
});

describe('a sheet that changes while the unit is being certified', () => {
  it('the certifying request sees it after its append, revokes automatically and answers 409', async () => {
    const x = smallElection();
    expect((await api.call('POST', '/elections', x)).status).toBe(201);
    for (const pa of ['tay-ho-0001', 'tay-ho-0002']) {
      expect(
        (await api.call('POST', `/elections/${x.electionId}/tallies`, sheetOf(pa, 'hdnd-tp'))).status,
      ).toBe(201);
    }
    // Between the certification's reads and its append, a correction of tay-ho-0001 lands.
    const original = store.append.bind(store);
    const spy = jest.spyOn(store, 'append').mockImplementationOnce(async (streamId, events, expected) => {
      const correction = await api.call(
        'POST',
        `/elections/${x.electionId}/tallies/tay-ho-0001/hdnd-tp/corrections`,
        correctionOf(sheetOf('tay-ho-0001', 'hdnd-tp', 3)),
        { 'if-match': '"0"' },
      );
      expect(correction.status).toBe(201);
      return original(streamId, events, expected);
    });
    const res = await api.call(
      'POST',
      `/elections/${x.electionId}/contests/hdnd-tp/units/tp-02/certification`,
      {},
    );
    spy.mockRestore();
    expect([res.status, res.body.code, res.body.pollingAreaId]).toEqual([
      409,
      'UNIT.CHANGED_WHILE_CERTIFYING',
      'tay-ho-0001',
    ]);
    const unitEvents = await store.readStream(`unit-${x.electionId}.hdnd-tp.tp-02`);
    expect(unitEvents.map((ev) => [ev.type, ev.data.automatic])).toEqual([
      ['UnitCertified', undefined],
      ['UnitCertificationRevoked', true],
    ]);
    const again = await api.call(
      'POST',
      `/elections/${x.electionId}/contests/hdnd-tp/units/tp-02/certification`,
      {},
    );
    expect(again.status).toBe(201);
    const body = (
      await api.call('GET', `/elections/${x.electionId}/results/city?minPosition=${again.body.position}`)
    ).body;
    expect(body.contests[1].units[1].certified.position).toBe(again.body.position);
  });

  it('a correction that sees a certification made without it revokes it', async () => {
    const x = smallElection();
    expect((await api.call('POST', '/elections', x)).status).toBe(201);
    for (const pa of ['tay-ho-0001', 'tay-ho-0002']) {
      expect(
        (await api.call('POST', `/elections/${x.electionId}/tallies`, sheetOf(pa, 'hdnd-tp'))).status,
      ).toBe(201);
    }
    // The correction read the unit as open; the certification is appended before the correction's own append.
    const original = store.append.bind(store);
    const spy = jest.spyOn(store, 'append').mockImplementationOnce(async (streamId, events, expected) => {
      const certified = await api.call(
        'POST',
        `/elections/${x.electionId}/contests/hdnd-tp/units/tp-02/certification`,
        {},
      );
      expect(certified.status).toBe(201);
      return original(streamId, events, expected);
    });
    const correction = await api.call(
      'POST',
      `/elections/${x.electionId}/tallies/tay-ho-0002/hdnd-tp/corrections`,
      correctionOf(sheetOf('tay-ho-0002', 'hdnd-tp', 3)),
      { 'if-match': '"0"' },
    );
    spy.mockRestore();
    expect(correction.status).toBe(201);
    const unitEvents = await store.readStream(`unit-${x.electionId}.hdnd-tp.tp-02`);
    expect(unitEvents.map((ev) => [ev.type, ev.data.automatic])).toEqual([
      ['UnitCertified', undefined],
      ['UnitCertificationRevoked', true],
    ]);
    expect(unitEvents[1].data.reason).toContain('tay-ho-0002 changed (revision 1)');
  });
});
