import { EventStore } from '@tally/event-store';
import { verifyExportFile } from '@tally/read-models';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, TestApi } from '../support/api';
import { smallElection } from '../support/fixtures';

/**
 * Follow-up rounds over HTTP (Art. 79 bầu cử thêm, Art. 80 bầu cử lại): a round is added by an amendment on the
 * night after the results, its sheets are submitted like any other, and the city and district views show the unit's
 * rounds and the outcome they combine to; time travel and verify-export agree.
 */
let api: TestApi;
let dir: string;
beforeAll(async () => {
  api = await startTestApi();
  dir = mkdtempSync(join(tmpdir(), 'rounds-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await api?.close();
});

const REASON = 'Nghị quyết của Ủy ban bầu cử: bầu cử thêm / bầu cử lại tại đơn vị';
const person = (id: string, year: number) => ({
  candidateId: id,
  name: `Ứng viên ${id}`,
  birthDate: `${year}-01-01`,
});

/** One contest of `kind` with one unit over ba-dinh-0001 (1,250 voters on the list). */
function election(kind: string, seats: number, candidates: string[]) {
  return {
    ...smallElection(),
    contests: [
      {
        contestId: 'hd',
        name: 'Đại biểu',
        kind,
        electoralUnits: [
          {
            unitId: 'u-01',
            name: 'Đơn vị số 1',
            seats,
            pollingAreaIds: ['ba-dinh-0001'],
            candidates: candidates.map((id, i) => person(id, 1970 + i)),
          },
        ],
      },
    ],
  };
}

function round(contestId: string, kind: string, seats: number, candidates: string[]) {
  return {
    contestId,
    name: kind === 're-vote' ? 'Bầu cử lại' : 'Bầu cử thêm',
    pollingDate: '2021-06-06',
    round: { kind, of: 'hd', units: ['u-01'] },
    electoralUnits: [
      {
        unitId: 'u-01',
        name: 'Đơn vị số 1',
        seats,
        pollingAreaIds: ['ba-dinh-0001'],
        candidates: candidates.map((id, i) => person(id, 1980 + i)),
      },
    ],
  };
}

function sheet(contestId: string, votersVoted: number, candidateVotes: Record<string, number>) {
  return {
    submissionId: randomUUID(),
    pollingAreaId: 'ba-dinh-0001',
    contestId,
    registeredVoters: 1250,
    votersVoted,
    ballotsIssued: votersVoted,
    ballotsReceived: votersVoted,
    validBallots: votersVoted,
    invalidBallots: 0,
    candidateVotes,
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return api.call('POST', url, body, headers);
}

async function cityUnit(e: string, query: string) {
  const city = await api.call('GET', `/elections/${e}/results/city?${query}`);
  expect(city.status).toBe(200);
  return city.body;
}

async function eventCount(): Promise<number> {
  return (await api.app.get(EventStore).readAll({ maxCount: 100_000 })).length;
}

describe('follow-up rounds', () => {
  it('NA unit short of a seat → supplementary round → its sheet → combined outcome elected', async () => {
    const definition = election('national-assembly', 3, ['a', 'b', 'c', 'd']);
    const e = definition.electionId;
    expect((await post('/elections', definition)).status).toBe(201);
    // 1,000 valid ballots: a and b pass half, c (500) does not: 2 of 3 seats.
    const night = await post(
      `/elections/${e}/tallies`,
      sheet('hd', 1000, { a: 900, b: 800, c: 500, d: 400 }),
    );
    expect(night.status).toBe(201);
    const before = await cityUnit(e, `minPosition=${night.body.position}`);
    expect(before.contests[0].units[0]).toMatchObject({
      outcome: 'supplementary-required',
      seatsUnfilled: 1,
      rounds: [],
      combined: { outcome: 'supplementary-required', seatsUnfilled: 1, decidedBy: 'hd' },
    });

    // A round of 2 seats for a unit with 3 is a valid shape; one naming a unit the contest lacks is refused.
    const count = await eventCount();
    const bad = {
      ...round('hd-them', 'supplementary', 1, ['c', 'd']),
      round: { kind: 'supplementary', of: 'hd', units: ['u-09'] },
    };
    const refused = await post(
      `/elections/${e}/amendments`,
      { reason: REASON, changes: [{ type: 'addRound', contest: bad }] },
      { 'if-match': '"0"' },
    );
    expect([refused.status, refused.body.code]).toEqual([422, 'ELECTION.ROUND_UNITS']);
    expect(await eventCount()).toBe(count);

    const added = await post(
      `/elections/${e}/amendments`,
      {
        reason: REASON,
        changes: [{ type: 'addRound', contest: round('hd-them', 'supplementary', 1, ['c', 'd']) }],
      },
      { 'if-match': '"0"' },
    );
    expect(added.status).toBe(201);
    const defined = await cityUnit(e, `minPosition=${added.body.position}`);
    expect(defined.contests.map((c: { contestId: string }) => c.contestId)).toEqual(['hd', 'hd-them']);
    expect(defined.contests[1]).toMatchObject({
      round: { kind: 'supplementary', of: 'hd', units: ['u-01'] },
      pollingDate: '2021-06-06',
      pollingAreasExpected: 1,
      pollingAreasReported: 0,
    });
    expect(defined.contests[0].units[0].rounds).toEqual([
      expect.objectContaining({
        contestId: 'hd-them',
        kind: 'supplementary',
        outcome: null,
        provisional: true,
      }),
    ]);
    expect(defined.contests[0].units[0].combined).toMatchObject({
      outcome: 'supplementary-required',
      provisional: true,
    });

    const second = await post(`/elections/${e}/tallies`, sheet('hd-them', 800, { c: 600, d: 200 }));
    expect(second.status).toBe(201);
    const after = await cityUnit(e, `minPosition=${second.body.position}`);
    const unit = after.contests[0].units[0];
    // The original's own result stays as it was counted; the combination elects c for the unfilled seat.
    expect(unit).toMatchObject({ outcome: 'supplementary-required', seatsUnfilled: 1 });
    expect(unit.rounds).toEqual([
      expect.objectContaining({
        contestId: 'hd-them',
        outcome: 'elected',
        elected: ['c'],
        provisional: false,
      }),
    ]);
    expect(unit.combined).toEqual({
      outcome: 'elected',
      outcomeReason: null,
      seatsUnfilled: 0,
      provisional: false,
      decidedBy: 'hd-them',
      elected: [
        { candidateId: 'a', name: 'Ứng viên a', contestId: 'hd' },
        { candidateId: 'b', name: 'Ứng viên b', contestId: 'hd' },
        { candidateId: 'c', name: 'Ứng viên c', contestId: 'hd-them' },
      ],
    });
    const district = await api.call(
      'GET',
      `/elections/${e}/results/districts/ba-dinh?minPosition=${second.body.position}`,
    );
    expect(district.status).toBe(200);
    const [orig, sup] = district.body.contests;
    expect(orig.units[0]).toMatchObject({ rounds: unit.rounds, combined: unit.combined });
    expect(sup).toMatchObject({ contestId: 'hd-them', pollingAreasReported: 1 });

    // Time travel to before the round's sheet: the round is defined, nothing counted, the unit still short.
    const past = await cityUnit(e, `atPosition=${added.body.position}`);
    expect(past.contests[0].units[0].combined).toMatchObject({
      outcome: 'supplementary-required',
      seatsUnfilled: 1,
    });

    const exported = await api.call('GET', `/elections/${e}/audit/export`);
    expect(exported.status).toBe(200);
    const file = join(dir, `${e}.ndjson`);
    writeFileSync(file, exported.body);
    const verified = await verifyExportFile(file);
    expect(verified.intact).toBe(true);
    expect(verified.cities).toEqual([{ ...after, position: second.body.position }]);
  });

  it('a round in the definition itself: accepted, and refused (422, nothing defined) when it polls too early', async () => {
    const definition = election('commune-council', 2, ['a', 'b', 'c']);
    const early = {
      ...definition,
      contests: [
        ...definition.contests,
        { ...round('hd-lai', 're-vote', 2, ['a', 'b']), pollingDate: '2021-05-20' },
      ],
    };
    const refused = await post('/elections', early);
    expect([refused.status, refused.body.code]).toEqual([422, 'ELECTION.ROUND_DATE']);
    expect(refused.body.violations).toEqual([
      expect.objectContaining({ code: 'ELECTION.ROUND_DATE', field: 'contests[1].pollingDate' }),
    ]);
    expect((await api.call('GET', `/elections/${definition.electionId}`)).status).toBe(404);
    const ok = {
      ...definition,
      contests: [...definition.contests, round('hd-lai', 're-vote', 2, ['a', 'b'])],
    };
    expect((await post('/elections', ok)).status).toBe(201);
    const got = await api.call('GET', `/elections/${definition.electionId}`);
    expect(got.body.contests[1]).toMatchObject({
      pollingDate: '2021-06-06',
      round: { kind: 're-vote', of: 'hd' },
    });
  });

  it('a council unit whose turnout was not above half → re-vote → its result replaces the unit', async () => {
    const definition = election('commune-council', 2, ['a', 'b', 'c']);
    const e = definition.electionId;
    expect((await post('/elections', definition)).status).toBe(201);
    // 625 of 1,250 voted: exactly half, the result does not count.
    const night = await post(`/elections/${e}/tallies`, sheet('hd', 625, { a: 500, b: 400, c: 100 }));
    expect(night.status).toBe(201);
    const before = await cityUnit(e, `minPosition=${night.body.position}`);
    expect(before.contests[0].units[0]).toMatchObject({
      outcome: 're-vote-required',
      outcomeReason: 'turnout-not-above-half',
      seatsUnfilled: 2,
    });
    // A re-vote elects the unit's seats, not fewer.
    const wrong = await post(
      `/elections/${e}/amendments`,
      {
        reason: REASON,
        changes: [{ type: 'addRound', contest: round('hd-lai', 're-vote', 1, ['a', 'b', 'c']) }],
      },
      { 'if-match': '"0"' },
    );
    expect([wrong.status, wrong.body.code]).toEqual([422, 'ELECTION.ROUND_SEATS']);
    const added = await post(
      `/elections/${e}/amendments`,
      {
        reason: REASON,
        changes: [{ type: 'addRound', contest: round('hd-lai', 're-vote', 2, ['a', 'b', 'c']) }],
      },
      { 'if-match': '"0"' },
    );
    expect(added.status).toBe(201);
    const revote = await post(`/elections/${e}/tallies`, sheet('hd-lai', 1000, { a: 700, b: 300, c: 600 }));
    expect(revote.status).toBe(201);
    const after = await cityUnit(e, `minPosition=${revote.body.position}`);
    const unit = after.contests[0].units[0];
    expect(unit).toMatchObject({ outcome: 're-vote-required', outcomeReason: 'turnout-not-above-half' });
    expect(unit.combined).toMatchObject({
      outcome: 'elected',
      outcomeReason: null,
      seatsUnfilled: 0,
      decidedBy: 'hd-lai',
      elected: [
        { candidateId: 'a', name: 'Ứng viên a', contestId: 'hd-lai' },
        { candidateId: 'c', name: 'Ứng viên c', contestId: 'hd-lai' },
      ],
    });
    // The round's own unit is judged as a commune council and has no rounds of its own.
    expect(after.contests[1].kind).toBeNull();
    expect(after.contests[1].units[0]).toMatchObject({ outcome: 'elected', rounds: [] });
  });
});
