import { tallyStreamId } from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { verifyExportFile } from '@tally/read-models';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startAnotherApi, startTestApi, TestApi, TestResponse } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';

/**
 * POST /elections/{e}/amendments over HTTP: each kind of change accepted, refused with its code (422), and refused
 * because it contradicts a stored sheet or turnout report (409); If-Match; the definition in force for later sheets,
 * GET /elections/{e} with its ETag and ?atPosition=; results, turnout, time travel and the export follow.
 * Each test works on an election of its own.
 */
let api: TestApi;
let dir: string;
const REASON = 'Nghị quyết của Hội đồng bầu cử quốc gia ngày 16/5/2021';

beforeAll(async () => {
  api = await startTestApi();
  dir = mkdtempSync(join(tmpdir(), 'tally-amend-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await api?.close();
});

/** The test fixture, with a fourth NA candidate: 4 for 2 seats, as Hà Nội's unit 10 before 16 May 2021. */
function election() {
  const definition = smallElection();
  definition.contests[0].electoralUnits[0].candidates.push({
    candidateId: 'na-01-4',
    name: 'Phạm Văn Tư',
    birthDate: '1978-04-04',
  });
  return definition;
}

async function define(): Promise<{ electionId: string; position: number }> {
  const definition = election();
  const res = await api.call('POST', '/elections', definition);
  expect(res.status).toBe(201);
  return { electionId: definition.electionId, position: res.body.position };
}

async function eventCount(): Promise<number> {
  return (await api.app.get(EventStore).readAll({ maxCount: 100_000 })).length;
}

function amend(electionId: string, ifMatch: string | undefined, changes: unknown[], reason = REASON) {
  return api.call(
    'POST',
    `/elections/${electionId}/amendments`,
    { reason, changes },
    ifMatch === undefined ? {} : { 'if-match': ifMatch },
  );
}

/** A refusal: the status and code, and nothing appended. */
async function refused(
  send: () => Promise<TestResponse>,
  status: number,
  code: string,
): Promise<TestResponse> {
  const before = await eventCount();
  const res = await send();
  expect([res.status, res.body.code]).toEqual([status, code]);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(await eventCount()).toBe(before);
  return res;
}

/** A sheet that keeps every rule for an area of `registeredVoters`: 50 did not vote, 10 ballots are invalid. */
const sheetOf = (
  pollingAreaId: string,
  votes: Record<string, number>,
  contestId = 'na',
  registeredVoters = 1000,
) => {
  const voted = registeredVoters - 50;
  return naSheet({
    pollingAreaId,
    contestId,
    registeredVoters,
    votersVoted: voted,
    ballotsIssued: voted,
    ballotsReceived: voted,
    validBallots: voted - 10,
    invalidBallots: 10,
    candidateVotes: votes,
  });
};
const NA3 = { 'na-01-1': 400, 'na-01-2': 300, 'na-01-3': 200 };
const NA4 = { ...NA3, 'na-01-4': 100 };

async function submit(electionId: string, sheet: object): Promise<TestResponse> {
  return api.call('POST', `/elections/${electionId}/tallies`, sheet);
}

async function city(electionId: string, position: number, query = `minPosition=${position}`) {
  const res = await api.call('GET', `/elections/${electionId}/results/city?${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('withdraw a candidate (Hà Nội, NA unit 10, 16 May 2021: 3 candidates left for 2 seats)', () => {
  it('is accepted with If-Match; the definition in force has 3 candidates, as it stood before has 4', async () => {
    const { electionId, position: definedAt } = await define();
    const got = await api.call('GET', `/elections/${electionId}`);
    expect([got.status, got.headers.etag]).toEqual([200, '"0"']);

    const res = await amend(electionId, '"0"', [
      { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-4' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ electionId, revision: 1, position: expect.any(Number), replayed: false });
    expect(res.headers.etag).toBe('"1"');
    const [stored] = await api.app.get(EventStore).readStream(`election-${electionId}`, { fromRevision: 1 });
    expect(stored).toMatchObject({
      type: 'ElectionAmended',
      data: { electionId, reason: REASON, changes: [{ type: 'withdrawCandidate', candidateId: 'na-01-4' }] },
      metadata: { actor: { id: 'city-admin', role: 'admin' } },
    });

    const now = await api.call('GET', `/elections/${electionId}`);
    expect(now.headers.etag).toBe('"1"');
    expect(now.body.contests[0].electoralUnits[0].candidates).toHaveLength(3);
    const then = await api.call('GET', `/elections/${electionId}?atPosition=${definedAt}`);
    expect([then.status, then.headers.etag]).toEqual([200, '"0"']);
    expect(then.body.contests[0].electoralUnits[0].candidates).toHaveLength(4);
    await refused(
      () => api.call('GET', `/elections/${electionId}?atPosition=${definedAt - 1}`),
      404,
      'ELECTION.NOT_FOUND',
    );

    // Sheets are checked against the definition in force when they arrive.
    const stale = await refused(
      () => submit(electionId, sheetOf('ba-dinh-0001', NA4)),
      422,
      'TALLY.CANDIDATES_MISMATCH',
    );
    expect(stale.body.violations).toEqual([expect.objectContaining({ field: 'candidateVotes.na-01-4' })]);
    const ok = await submit(electionId, sheetOf('ba-dinh-0001', NA3, 'na', 1250));
    expect(ok.status).toBe(201);
    const unit = (await city(electionId, ok.body.position)).contests[0].units[0];
    expect(unit.candidates.map((c: { candidateId: string }) => c.candidateId)).toEqual([
      'na-01-1',
      'na-01-2',
      'na-01-3',
    ]);
    // The results as they stood before the amendment list the fourth candidate.
    const before = await city(electionId, definedAt, `atPosition=${definedAt}`);
    expect(before.contests[0].units[0].candidates).toHaveLength(4);
  });

  it('ELECTION.SEATS_OUT_OF_RANGE (422): not below the seats', async () => {
    const { electionId } = await define();
    await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-4' },
          { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-3' },
          { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-2' },
        ]),
      422,
      'ELECTION.SEATS_OUT_OF_RANGE',
    );
  });

  it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS (409): not a candidate with votes on a stored sheet', async () => {
    const { electionId } = await define();
    expect((await submit(electionId, sheetOf('ba-dinh-0001', NA4, 'na', 1250))).status).toBe(201);
    const res = await refused(
      () =>
        amend(electionId, '"0"', [{ type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-4' }]),
      409,
      'ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS',
    );
    expect(res.body.conflicts).toEqual([
      expect.objectContaining({ record: 'sheet', unitId: 'na-01', candidateId: 'na-01-4' }),
    ]);
    expect(res.body.detail).toContain('100 votes');
  });
});

describe('add a candidate', () => {
  const change = {
    type: 'addCandidate',
    contestId: 'hdnd-tp',
    unitId: 'tp-02',
    candidate: { candidateId: 'tp-02-3', name: 'Ngô Thị Lan', birthDate: '1981-01-01' },
  };

  it('is accepted for a unit without sheets; its sheets must then list the new candidate', async () => {
    const { electionId } = await define();
    expect((await amend(electionId, '"0"', [change])).status).toBe(201);
    const tp02 = { 'tp-02-1': 400, 'tp-02-2': 300 };
    await refused(
      () => submit(electionId, sheetOf('tay-ho-0001', tp02, 'hdnd-tp')),
      422,
      'TALLY.CANDIDATES_MISMATCH',
    );
    expect(
      (await submit(electionId, sheetOf('tay-ho-0001', { ...tp02, 'tp-02-3': 150 }, 'hdnd-tp'))).status,
    ).toBe(201);
  });

  it('ELECTION.DUPLICATE_ID (422): candidate ids stay unique in the contest', async () => {
    const { electionId } = await define();
    const duplicate = { ...change, candidate: { ...change.candidate, candidateId: 'tp-01-1' } };
    await refused(() => amend(electionId, '"0"', [duplicate]), 422, 'ELECTION.DUPLICATE_ID');
  });

  it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS (409): not to a unit that has sheets', async () => {
    const { electionId } = await define();
    const sheet = sheetOf('tay-ho-0001', { 'tp-02-1': 400, 'tp-02-2': 300 }, 'hdnd-tp');
    expect((await submit(electionId, sheet)).status).toBe(201);
    await refused(() => amend(electionId, '"0"', [change]), 409, 'ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS');
  });
});

describe('add and remove polling areas (Hà Nội: 4,831 counted by the press, 4,825 in the end)', () => {
  it('a new area is expected by its district and units and takes sheets; a removed one is gone', async () => {
    const { electionId } = await define();
    const res = await amend(electionId, '"0"', [
      {
        type: 'addPollingArea',
        pollingArea: {
          pollingAreaId: 'tay-ho-0003',
          districtId: 'tay-ho',
          registeredVoters: 700,
          name: 'KVBP số 3',
        },
        units: [{ contestId: 'hdnd-tp', unitId: 'tp-02' }],
      },
      { type: 'removePollingArea', pollingAreaId: 'ba-dinh-0002' },
    ]);
    expect(res.status).toBe(201);
    const results = await city(electionId, res.body.position);
    expect(results.contests.map((c: { pollingAreasExpected: number }) => c.pollingAreasExpected)).toEqual([
      4, 4,
    ]);
    const districts = await api.call(
      'GET',
      `/elections/${electionId}/results/districts?minPosition=${res.body.position}`,
    );
    expect(
      districts.body.districts.map(
        (d: { districtId: string; contests: Array<{ pollingAreasExpected: number }> }) => [
          d.districtId,
          d.contests.map((c) => c.pollingAreasExpected),
        ],
      ),
    ).toEqual([
      ['ba-dinh', [1, 1]],
      ['tay-ho', [3, 3]],
    ]);
    const turnout = await api.call(
      'GET',
      `/elections/${electionId}/turnout?minPosition=${res.body.position}`,
    );
    expect(turnout.body.city).toMatchObject({
      registeredVoters: 1250 + 1000 + 800 + 700,
      pollingAreasExpected: 4,
    });
    expect((await submit(electionId, sheetOf('tay-ho-0003', NA4, 'na', 700))).status).toBe(201);
    await refused(
      () => submit(electionId, sheetOf('ba-dinh-0002', NA4, 'na', 900)),
      404,
      'TALLY.UNKNOWN_POLLING_AREA',
    );
  });

  it('ELECTION.UNKNOWN_DISTRICT / ELECTION.UNIT_COVERAGE / ELECTION.AMENDMENT_UNKNOWN_REFERENCE (422)', async () => {
    const { electionId } = await define();
    const area = { pollingAreaId: 'x-0001', districtId: 'hoan-kiem', registeredVoters: 10 };
    await refused(
      () => amend(electionId, '"0"', [{ type: 'addPollingArea', pollingArea: area }]),
      422,
      'ELECTION.UNKNOWN_DISTRICT',
    );
    const res = await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'removePollingArea', pollingAreaId: 'ba-dinh-0001' },
          { type: 'removePollingArea', pollingAreaId: 'ba-dinh-0002' },
        ]),
      422,
      'ELECTION.UNIT_COVERAGE',
    );
    expect(res.body.violations[0].field).toBe('contests[1].electoralUnits[0]');
    await refused(
      () => amend(electionId, '"0"', [{ type: 'removePollingArea', pollingAreaId: 'ba-dinh-0099' }]),
      422,
      'ELECTION.AMENDMENT_UNKNOWN_REFERENCE',
    );
  });

  it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS (409): not an area that reported', async () => {
    const { electionId } = await define();
    expect((await submit(electionId, sheetOf('ba-dinh-0002', NA4, 'na', 900))).status).toBe(201);
    await refused(
      () => amend(electionId, '"0"', [{ type: 'removePollingArea', pollingAreaId: 'ba-dinh-0002' }]),
      409,
      'ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS',
    );
  });
});

describe('move a polling area', () => {
  it('to another district and unit: its sheets are placed there', async () => {
    const { electionId } = await define();
    const res = await amend(electionId, '"0"', [
      {
        type: 'movePollingArea',
        pollingAreaId: 'tay-ho-0002',
        districtId: 'ba-dinh',
        units: [{ contestId: 'hdnd-tp', unitId: 'tp-01' }],
      },
    ]);
    expect(res.status).toBe(201);
    const sheet = sheetOf('tay-ho-0002', { 'tp-01-1': 400, 'tp-01-2': 300 }, 'hdnd-tp', 800);
    const submitted = await submit(electionId, sheet);
    expect(submitted.status).toBe(201);
    const results = await city(electionId, submitted.body.position);
    const units = results.contests[1].units.map(
      (u: { unitId: string; pollingAreasExpected: number; pollingAreasReported: number }) => [
        u.unitId,
        u.pollingAreasExpected,
        u.pollingAreasReported,
      ],
    );
    expect(units).toEqual([
      ['tp-01', 3, 1],
      ['tp-02', 1, 0],
    ]);
    const baDinh = await api.call(
      'GET',
      `/elections/${electionId}/results/districts/ba-dinh?minPosition=${submitted.body.position}`,
    );
    expect(baDinh.body.contests.map((c: { pollingAreasExpected: number }) => c.pollingAreasExpected)).toEqual(
      [3, 3],
    );
  });

  it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE (422): to an unknown unit', async () => {
    const { electionId } = await define();
    await refused(
      () =>
        amend(electionId, '"0"', [
          {
            type: 'movePollingArea',
            pollingAreaId: 'tay-ho-0002',
            units: [{ contestId: 'hdnd-tp', unitId: 'tp-09' }],
          },
        ]),
      422,
      'ELECTION.AMENDMENT_UNKNOWN_REFERENCE',
    );
  });

  it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS (409): not an area whose sheet was counted where it stands', async () => {
    const { electionId } = await define();
    expect((await submit(electionId, sheetOf('tay-ho-0002', NA4, 'na', 800))).status).toBe(201);
    await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'movePollingArea', pollingAreaId: 'tay-ho-0002', districtId: 'ba-dinh' },
        ]),
      409,
      'ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS',
    );
  });
});

describe("change a polling area's voters on the list", () => {
  it('is accepted before the area reports: turnout and the units expect the new figure', async () => {
    const { electionId } = await define();
    const res = await amend(electionId, '"0"', [
      { type: 'changeRegisteredVoters', pollingAreaId: 'ba-dinh-0001', registeredVoters: 1300 },
    ]);
    expect(res.status).toBe(201);
    const turnout = await api.call(
      'GET',
      `/elections/${electionId}/turnout?minPosition=${res.body.position}`,
    );
    expect(turnout.body.districts[0]).toMatchObject({ districtId: 'ba-dinh', registeredVoters: 1300 + 900 });
    const results = await city(electionId, res.body.position);
    expect(results.contests[0].units[0].expectedRegisteredVoters).toBe(1300 + 900 + 1000 + 800);
  });

  it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE (422) and 400 for a figure that is not a count', async () => {
    const { electionId } = await define();
    await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'changeRegisteredVoters', pollingAreaId: 'nowhere', registeredVoters: 5 },
        ]),
      422,
      'ELECTION.AMENDMENT_UNKNOWN_REFERENCE',
    );
    await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'changeRegisteredVoters', pollingAreaId: 'ba-dinh-0001', registeredVoters: -5 },
        ]),
      400,
      'REQUEST.INVALID',
    );
  });

  it('ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT (409): the list is closed once the area reported turnout', async () => {
    const { electionId } = await define();
    const report = {
      reportId: randomUUID(),
      pollingAreaId: 'ba-dinh-0001',
      asOf: '2021-05-23T05:30:00.000Z',
      votersVoted: 400,
    };
    expect((await api.call('POST', `/elections/${electionId}/turnout`, report)).status).toBe(201);
    await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'changeRegisteredVoters', pollingAreaId: 'ba-dinh-0001', registeredVoters: 1300 },
        ]),
      409,
      'ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT',
    );
  });
});

describe("change a unit's seats", () => {
  it('is accepted for a unit without sheets, and the winners follow', async () => {
    const { electionId } = await define();
    const res = await amend(electionId, '"0"', [
      { type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 3 },
    ]);
    expect(res.status).toBe(201);
    expect((await city(electionId, res.body.position)).contests[0].units[0].seats).toBe(3);
  });

  it('ELECTION.SEATS_OUT_OF_RANGE (422): at most the number of candidates', async () => {
    const { electionId } = await define();
    await refused(
      () => amend(electionId, '"0"', [{ type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 5 }]),
      422,
      'ELECTION.SEATS_OUT_OF_RANGE',
    );
  });

  it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS (409): not for a unit whose sheets were counted', async () => {
    const { electionId } = await define();
    expect((await submit(electionId, sheetOf('ba-dinh-0001', NA4, 'na', 1250))).status).toBe(201);
    await refused(
      () => amend(electionId, '"0"', [{ type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 3 }]),
      409,
      'ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS',
    );
  });
});

describe('rename', () => {
  it('is accepted even after sheets arrived; the results and the election list show the new names', async () => {
    const { electionId } = await define();
    expect((await submit(electionId, sheetOf('ba-dinh-0001', NA4, 'na', 1250))).status).toBe(201);
    const res = await amend(electionId, '"0"', [
      { type: 'rename', target: 'election', name: 'Bầu cử ĐBQH khóa XV (sửa đổi)' },
      { type: 'rename', target: 'district', id: 'tay-ho', name: 'Quận Tây Hồ' },
      { type: 'rename', target: 'unit', contestId: 'na', id: 'na-01', name: 'Đơn vị bầu cử số 1' },
      { type: 'rename', target: 'candidate', contestId: 'na', id: 'na-01-2', name: 'Trần Thị Bình An' },
    ]);
    expect(res.status).toBe(201);
    const districts = await api.call(
      'GET',
      `/elections/${electionId}/results/districts?minPosition=${res.body.position}`,
    );
    expect(districts.body.districts[1].name).toBe('Quận Tây Hồ');
    const unit = (await city(electionId, res.body.position)).contests[0].units[0];
    expect([
      unit.name,
      unit.candidates.find((c: { candidateId: string }) => c.candidateId === 'na-01-2').name,
    ]).toEqual(['Đơn vị bầu cử số 1', 'Trần Thị Bình An']);
    const list = await api.call('GET', '/elections');
    expect(list.body.elections.find((e: { electionId: string }) => e.electionId === electionId).name).toBe(
      'Bầu cử ĐBQH khóa XV (sửa đổi)',
    );
  });

  it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE (422): an unknown id; 400 for an unknown target', async () => {
    const { electionId } = await define();
    await refused(
      () =>
        amend(electionId, '"0"', [
          { type: 'rename', target: 'district', id: 'hoan-kiem', name: 'Hoàn Kiếm' },
        ]),
      422,
      'ELECTION.AMENDMENT_UNKNOWN_REFERENCE',
    );
    await refused(
      () => amend(electionId, '"0"', [{ type: 'rename', target: 'city', name: 'Hà Nội' }]),
      400,
      'REQUEST.INVALID',
    );
  });
});

describe('a certified unit', () => {
  it('ELECTION.AMENDMENT_CONFLICTS_WITH_CERTIFICATION (409): no polling area joins it until the certification is revoked', async () => {
    const { electionId } = await define();
    for (const [pa, voters] of [
      ['tay-ho-0001', 1000],
      ['tay-ho-0002', 800],
    ] as const) {
      const sheet = sheetOf(pa, { 'tp-02-1': 300, 'tp-02-2': voters - 360 }, 'hdnd-tp', voters);
      expect((await submit(electionId, sheet)).status).toBe(201);
    }
    const unitUrl = `/elections/${electionId}/contests/hdnd-tp/units/tp-02`;
    expect((await api.call('POST', `${unitUrl}/certification`, {})).status).toBe(201);
    const join = [
      {
        type: 'addPollingArea',
        pollingArea: { pollingAreaId: 'tay-ho-0003', districtId: 'tay-ho', registeredVoters: 700 },
        units: [{ contestId: 'hdnd-tp', unitId: 'tp-02' }],
      },
    ];
    const res = await refused(
      () => amend(electionId, '"0"', join),
      409,
      'ELECTION.AMENDMENT_CONFLICTS_WITH_CERTIFICATION',
    );
    expect(res.body.conflicts).toEqual([
      expect.objectContaining({ record: 'certification', contestId: 'hdnd-tp', unitId: 'tp-02' }),
    ]);
    // Its sheet would have counted in a certified unit whose record does not list it.
    const revoked = await api.call('POST', `${unitUrl}/certification/revocation`, {
      reason: 'Bổ sung khu vực bỏ phiếu số 3 vào đơn vị',
    });
    expect(revoked.status).toBe(201);
    expect((await amend(electionId, '"0"', join)).status).toBe(201);
  });
});

describe('the amendment as a whole', () => {
  const rename = { type: 'rename', target: 'election', name: 'Bầu cử (sửa)' };

  it('428 without If-Match, 412 with a stale one, 404 for an unknown election; the retry with the new ETag passes', async () => {
    const { electionId } = await define();
    await refused(() => amend(electionId, undefined, [rename]), 428, 'ELECTION.IF_MATCH_REQUIRED');
    await refused(() => amend(electionId, 'W/"0"', [rename]), 412, 'ELECTION.REVISION_MISMATCH');
    expect((await amend(electionId, '"0"', [rename])).status).toBe(201);
    const other = { ...rename, name: 'Một tên khác' };
    const stale = await refused(() => amend(electionId, '"0"', [other]), 412, 'ELECTION.REVISION_MISMATCH');
    expect(stale.body).toMatchObject({ expectedRevision: 0, currentRevision: 1 });
    expect((await amend(electionId, '"1"', [{ ...rename, name: 'Lần hai' }])).status).toBe(201);
    await refused(() => amend(`${electionId}-x`, '"0"', [rename]), 404, 'ELECTION.NOT_FOUND');
  });

  it('a retry (the same If-Match, reason and changes) is answered with the stored amendment and appends nothing', async () => {
    const { electionId } = await define();
    const first = await amend(electionId, '"0"', [rename]);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ electionId, revision: 1, position: expect.any(Number), replayed: false });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await eventCount();
    // Its keys in another order, as another client library may send them: the same amendment.
    const reordered = { name: rename.name, target: rename.target, type: rename.type };
    const retry = await amend(electionId, '"0"', [reordered]);
    expect([retry.status, retry.headers['idempotent-replayed'], retry.headers.etag]).toEqual([
      201,
      'true',
      '"1"',
    ]);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(await eventCount()).toBe(before);
    // Once another amendment followed it, it is stale like any other.
    expect((await amend(electionId, '"1"', [{ ...rename, name: 'Lần hai' }])).status).toBe(201);
    await refused(() => amend(electionId, '"0"', [rename]), 412, 'ELECTION.REVISION_MISMATCH');
  });

  it('five identical amendments racing: one is stored, and every sender hears its 201', async () => {
    const { electionId } = await define();
    const before = await eventCount();
    // A change checked against the record: each sender waits for the read models between its read and its append.
    const withdraw = { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-4' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => amend(electionId, '"0"', [withdraw])));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => `${a.body.revision}@${a.body.position}`)).size).toBe(1);
    expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
    expect(await eventCount()).toBe(before + 1);
  });

  it('422 for a short reason or changes that change nothing; 400 for an unknown kind of change or none', async () => {
    const { electionId } = await define();
    await refused(
      () => amend(electionId, '"0"', [rename], 'sửa'),
      422,
      'ELECTION.AMENDMENT_REASON_TOO_SHORT',
    );
    await refused(
      () => amend(electionId, '"0"', [{ type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 2 }]),
      422,
      'ELECTION.AMENDMENT_CHANGES_NOTHING',
    );
    const unknown = await refused(
      () => amend(electionId, '"0"', [{ type: 'mergeDistricts' }]),
      400,
      'REQUEST.INVALID',
    );
    expect(unknown.body.errors[0].field).toBe('changes[0].type');
    const extra = await refused(
      () => amend(electionId, '"0"', [{ ...rename, districtId: 'ba-dinh' }, null]),
      400,
      'REQUEST.INVALID',
    );
    expect(extra.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'changes',
      'changes[0].districtId',
      'changes[1]',
    ]);
    await refused(() => amend(electionId, '"0"', []), 400, 'REQUEST.INVALID');
  });

  it('the export holds the amendment; verify-export folds it to the live city results', async () => {
    const { electionId } = await define();
    expect((await submit(electionId, sheetOf('ba-dinh-0001', NA4, 'na', 1250))).status).toBe(201);
    const res = await amend(electionId, '"0"', [
      {
        type: 'addPollingArea',
        pollingArea: { pollingAreaId: 'tay-ho-0003', districtId: 'tay-ho', registeredVoters: 600 },
      },
      { type: 'rename', target: 'district', id: 'ba-dinh', name: 'Quận Ba Đình' },
    ]);
    expect(res.status).toBe(201);
    const last = await submit(electionId, sheetOf('tay-ho-0003', NA4, 'na', 600));
    const live = await city(electionId, last.body.position);
    const exported = await api.call('GET', `/elections/${electionId}/audit/export`);
    expect(exported.status).toBe(200);
    const file = join(dir, `${electionId}.ndjson`);
    writeFileSync(file, exported.body);
    const verified = await verifyExportFile(file);
    expect(verified.intact).toBe(true);
    expect(verified.cities).toEqual([{ ...live, position: last.body.position }]);
    expect(live.contests[0].pollingAreasExpected).toBe(5);
    const audit = await api.call(
      'GET',
      `/elections/${electionId}/audit?type=ElectionAmended&minPosition=${last.body.position}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        type: 'ElectionAmended',
        reason: REASON,
        summary: expect.stringContaining('added polling area tay-ho-0003'),
      }),
    ]);
  });
});

describe('another api process that holds the definition (two apis on one store)', () => {
  // Decides sheets on the definition it holds; the append's condition on the election stream catches an amendment.
  let other: TestApi;
  beforeAll(async () => {
    other = await startAnotherApi(api, { PROJECTIONS: 'off' });
  });
  afterAll(async () => {
    await other?.close();
  });
  const submitThere = (electionId: string, sheet: object) =>
    other.call('POST', `/elections/${electionId}/tallies`, sheet);
  const tp = (unitId: string) => ({ contestId: 'hdnd-tp', unitId });

  it('decides the first sheet after an amendment’s 201 on the amended definition', async () => {
    const { electionId } = await define();
    // It holds revision 0 from here on.
    expect((await submitThere(electionId, sheetOf('ba-dinh-0001', NA4, 'na', 1250))).status).toBe(201);

    // An area the held definition does not know: taken right after the 201.
    const added = await amend(electionId, '"0"', [
      {
        type: 'addPollingArea',
        pollingArea: { pollingAreaId: 'tay-ho-0003', districtId: 'tay-ho', registeredVoters: 700 },
        units: [tp('tp-02')],
      },
    ]);
    expect(added.status).toBe(201);
    expect((await submitThere(electionId, sheetOf('tay-ho-0003', NA4, 'na', 700))).status).toBe(201);

    // An area moved to another unit: the held definition would take its old unit's candidates, the one in force not.
    const moved = await amend(electionId, '"1"', [
      { type: 'movePollingArea', pollingAreaId: 'tay-ho-0002', districtId: 'ba-dinh', units: [tp('tp-01')] },
    ]);
    expect(moved.status).toBe(201);
    await refused(
      () =>
        submitThere(electionId, sheetOf('tay-ho-0002', { 'tp-02-1': 400, 'tp-02-2': 300 }, 'hdnd-tp', 800)),
      422,
      'TALLY.CANDIDATES_MISMATCH',
    );

    // An area moved to another district: its sheet is counted where the definition in force places it.
    const again = await amend(electionId, '"2"', [
      { type: 'movePollingArea', pollingAreaId: 'ba-dinh-0002', districtId: 'tay-ho', units: [tp('tp-02')] },
    ]);
    expect(again.status).toBe(201);
    const placed = await submitThere(electionId, sheetOf('ba-dinh-0002', NA4, 'na', 900));
    expect(placed.status).toBe(201);
    const [submitted] = await api.app
      .get(EventStore)
      .readStream(tallyStreamId(electionId, 'ba-dinh-0002', 'na'));
    expect(submitted?.data).toMatchObject({ districtId: 'tay-ho', unitId: 'na-01' });
    const tayHo = await api.call(
      'GET',
      `/elections/${electionId}/results/districts/tay-ho?minPosition=${placed.body.position}`,
    );
    expect(tayHo.body.contests[0]).toMatchObject({ contestId: 'na', pollingAreasReported: 2 });
  });
});
