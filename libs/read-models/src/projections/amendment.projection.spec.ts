import { AmendmentChange, ElectionDefinition } from '@tally/domain';
import type { StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { ProjectionLogger } from '../projection';
import { ResultsQueries } from '../queries/results.queries';
import { cityOf, foldResults } from '../time-travel/results-time-travel';
import { counts, facts, generatedElection, MemoryLog, place } from '../testing/read-model-fixtures';
import { amendResultRows, initialResultRows } from './election-layout';
import { LiveTimelineProjection } from './live-timeline.projection';
import { ResultsProjection } from './results.projection';
import { TurnoutProjection } from './turnout.projection';

const E = 'amend-e';

/**
 * Two districts; NA unit na-1 covers both; council units list polling areas: hd-1 = [n1, s1], hd-2 = [n2]
 * (s2 takes part in the NA contest only).
 */
function definition(): ElectionDefinition {
  const candidates = (unit: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      candidateId: `${unit}-${i + 1}`,
      name: `Ứng cử viên ${unit}-${i + 1}`,
      birthDate: `19${60 + i}-01-01`,
    }));
  return {
    electionId: E,
    name: 'Bầu cử thử',
    pollingDate: '2021-05-23',
    districts: [
      { districtId: 'north', name: 'Bắc' },
      { districtId: 'south', name: 'Nam' },
    ],
    pollingAreas: [
      { pollingAreaId: 'n1', districtId: 'north', registeredVoters: 1000 },
      { pollingAreaId: 'n2', districtId: 'north', registeredVoters: 800 },
      { pollingAreaId: 's1', districtId: 'south', registeredVoters: 1200 },
      { pollingAreaId: 's2', districtId: 'south', registeredVoters: 500 },
    ],
    contests: [
      {
        contestId: 'na',
        name: 'Quốc hội',
        electoralUnits: [
          {
            unitId: 'na-1',
            name: 'Đơn vị 1',
            seats: 2,
            districtIds: ['north', 'south'],
            candidates: candidates('na-1', 3),
          },
        ],
      },
      {
        contestId: 'hd',
        name: 'HĐND',
        electoralUnits: [
          {
            unitId: 'hd-1',
            name: 'Đơn vị 1',
            seats: 1,
            pollingAreaIds: ['n1', 's1'],
            candidates: candidates('hd-1', 2),
          },
          {
            unitId: 'hd-2',
            name: 'Đơn vị 2',
            seats: 1,
            pollingAreaIds: ['n2'],
            candidates: candidates('hd-2', 2),
          },
        ],
      },
    ],
  };
}

/** Every kind of change, none contradicting the n1 NA sheet, the n2 council sheet or n1's turnout report. */
const CHANGES: AmendmentChange[] = [
  { type: 'withdrawCandidate', contestId: 'hd', candidateId: 'hd-1-2' },
  {
    type: 'addCandidate',
    contestId: 'hd',
    unitId: 'hd-1',
    candidate: { candidateId: 'hd-1-3', name: 'Ứng cử viên mới', birthDate: '1985-05-05' },
  },
  { type: 'changeSeats', contestId: 'hd', unitId: 'hd-1', seats: 2 },
  // s1 was the council's only polling area in the south: that district × contest row goes.
  { type: 'removePollingArea', pollingAreaId: 's1' },
  {
    type: 'addPollingArea',
    pollingArea: { pollingAreaId: 's3', districtId: 'south', registeredVoters: 700 },
  },
  { type: 'changeRegisteredVoters', pollingAreaId: 's3', registeredVoters: 650 },
  {
    type: 'movePollingArea',
    pollingAreaId: 's2',
    districtId: 'north',
    units: [{ contestId: 'hd', unitId: 'hd-1' }],
  },
  { type: 'rename', target: 'district', id: 'north', name: 'Bắc (mới)' },
  { type: 'rename', target: 'unit', contestId: 'hd', id: 'hd-2', name: 'Đơn vị hai' },
  { type: 'rename', target: 'candidate', contestId: 'na', id: 'na-1-2', name: 'Ứng cử viên (đổi tên)' },
  { type: 'rename', target: 'election', name: 'Bầu cử thử (sửa đổi)' },
];

const N1_NA = counts(1000, 900, 880, 20, { 'na-1-1': 700, 'na-1-2': 500, 'na-1-3': 300 });
const N2_HD = counts(800, 700, 690, 10, { 'hd-2-1': 400, 'hd-2-2': 290 });
const S3_NA = counts(650, 600, 590, 10, { 'na-1-1': 300, 'na-1-2': 200, 'na-1-3': 90 });
const S2_HD = counts(500, 450, 440, 10, { 'hd-1-1': 300, 'hd-1-3': 140 });

/**
 * The same night twice: amended before its last sheets (A), or defined as the amended definition from the start (B,
 * with an event of a stream no projection reads where A has the amendment, so positions agree).
 */
function nights(): { amended: MemoryLog; fresh: MemoryLog } {
  const amendment = facts.electionAmended(definition(), CHANGES);
  // The same facts in both nights (ids included), apart from the definition they start with.
  const night = [
    facts.tallySubmitted(E, place('n1', 'north', 'na', 'na-1'), N1_NA),
    facts.turnoutReported(
      E,
      { pollingAreaId: 'n1', districtId: 'north', registeredVoters: 1000 },
      '2021-05-23T05:30:00.000Z',
      400,
    ),
    facts.tallySubmitted(E, place('n2', 'north', 'hd', 'hd-2'), N2_HD),
    facts.tallySubmitted(E, place('s3', 'south', 'na', 'na-1'), S3_NA),
    facts.tallySubmitted(E, place('s2', 'north', 'hd', 'hd-1'), S2_HD),
    facts.turnoutReported(
      E,
      { pollingAreaId: 's2', districtId: 'north', registeredVoters: 500 },
      '2021-05-23T11:30:00.000Z',
      420,
    ),
  ];
  const build = (defined: ElectionDefinition, middle: { streamId: string; event: StoredEvent | never }) => {
    const log = new MemoryLog();
    log.add(facts.electionDefined(defined));
    for (const fact of night.slice(0, 3)) log.add(fact);
    log.add(middle as never);
    for (const fact of night.slice(3)) log.add(fact);
    return log;
  };
  const noise = {
    streamId: 'reservation-x',
    event: {
      eventId: '00000000-0000-4000-8000-000000000000',
      type: 'EventIdReserved',
      data: {},
      metadata: {},
    },
  };
  return {
    amended: build(definition(), { streamId: amendment.streamId, event: amendment.event as never }),
    fresh: build(amendment.definition, noise as never),
  };
}

describe('read models after an amendment', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const warnings: string[] = [];
  const logger: ProjectionLogger = {
    log: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  const projections = [
    new ResultsProjection(logger),
    new TurnoutProjection(logger),
    new LiveTimelineProjection(logger),
  ];

  beforeAll(async () => {
    db = await createTestDatabase('rm_amendment');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Applies the events in batches of `size` and returns every row a definition shapes (minus the revision and position kept). */
  async function rowsAfter(events: StoredEvent[], size: number) {
    await ds.query(`TRUNCATE ${projections.flatMap((p) => p.tables).join(', ')}`);
    for (let i = 0; i < events.length; i += size) {
      const batch = events.slice(i, i + size);
      await ds.transaction(async (manager) => {
        for (const p of projections) await p.apply(batch, manager);
      });
    }
    const q = (sql: string) => ds.query(sql);
    return {
      elections: await q('SELECT election_id, name, polling_date, definition FROM rm_elections'),
      // The last position tells which event changed a row last: the amendment, in the amended night.
      districts: (
        await q(
          `SELECT to_jsonb(t) - 'last_position' AS row FROM rm_district_results t ORDER BY district_id, contest_id`,
        )
      ).map((r: { row: unknown }) => r.row),
      units: await q('SELECT * FROM rm_unit_results ORDER BY contest_id, unit_id'),
      sheets: await q('SELECT * FROM rm_tally_sheets ORDER BY polling_area_id, contest_id'),
      turnoutElections: await q(
        'SELECT election_id, reporting_times, registered_voters, polling_areas_expected FROM rm_turnout_elections',
      ),
      turnoutDistricts: await q('SELECT * FROM rm_turnout_districts ORDER BY district_id'),
      turnoutAreas: await q('SELECT * FROM rm_turnout_areas ORDER BY polling_area_id'),
      timeline: await q(
        'SELECT election_id, registered_voters, contests_expected, contests_reported, voters_voted FROM rm_live_timeline_elections',
      ),
    };
  }

  it('are the rows of the amended definition defined from the start, in one batch and event by event', async () => {
    const { amended, fresh } = nights();
    const reference = await rowsAfter(fresh.events, 1000);
    expect(await rowsAfter(amended.events, 1000)).toEqual(reference);
    expect(await rowsAfter(amended.events, 1)).toEqual(reference);
    expect(warnings).toEqual([]);
    // What the amendment did, in figures: the council lost the south (s1 removed, s2 moved north).
    expect(
      reference.districts.map(
        (d: { district_id: string; contest_id: string }) => `${d.district_id}/${d.contest_id}`,
      ),
    ).toEqual(['north/hd', 'north/na', 'south/na']);
    const unit = reference.units.find((u: { unit_id: string }) => u.unit_id === 'hd-1');
    expect(unit).toMatchObject({ seats: 2, polling_areas_expected: '2', expected_registered_voters: '1500' });
    expect(unit.candidates.map((c: { candidateId: string }) => c.candidateId)).toEqual(['hd-1-1', 'hd-1-3']);
    expect(reference.turnoutElections[0]).toMatchObject({
      registered_voters: '2950',
      polling_areas_expected: 4,
    });
  });

  it('answer the results with the amended definition, also as they stood before it (time travel)', async () => {
    const { amended } = nights();
    await rowsAfter(amended.events, 1000);
    const city = await new ResultsQueries(ds).cityResults(E);
    const hd = city!.contests.find((c) => c.contestId === 'hd')!;
    expect(hd.units.map((u) => [u.unitId, u.name, u.seats, u.pollingAreasExpected])).toEqual([
      ['hd-1', 'Đơn vị 1', 2, 2],
      ['hd-2', 'Đơn vị hai', 1, 1],
    ]);
    const before = foldResults(E, 3, amended.events.slice(0, 4), logger)!;
    const hdBefore = cityOf(before).contests.find((c) => c.contestId === 'hd')!;
    expect(hdBefore.units.map((u) => [u.unitId, u.name, u.seats, u.pollingAreasExpected])).toEqual([
      ['hd-1', 'Đơn vị 1', 1, 2],
      ['hd-2', 'Đơn vị 2', 1, 1],
    ]);
    expect(before.definition.name).toBe('Bầu cử thử');
    expect(foldResults(E, 7, amended.events, logger)!.definition.name).toBe('Bầu cử thử (sửa đổi)');
  });

  it('follow the definition a results query reads, across processes (the cache is keyed by revision)', async () => {
    const { amended } = nights();
    const queries = new ResultsQueries(ds);
    await rowsAfter(amended.events.slice(0, 4), 1000);
    const north = async () => (await queries.districtResult(E, 'north'))!;
    expect((await north()).name).toBe('Bắc');
    expect((await north()).contests.map((c) => c.pollingAreasExpected)).toEqual([2, 2]);
    // Another process projects the amendment; this one's cached definition must not hide it.
    await ds.transaction(async (manager) => {
      for (const p of projections) await p.apply(amended.events.slice(4), manager);
    });
    expect((await north()).name).toBe('Bắc (mới)');
    expect((await north()).contests.map((c) => [c.contestId, c.pollingAreasExpected])).toEqual([
      ['na', 3],
      ['hd', 3],
    ]);
  });
});

describe('amendResultRows', () => {
  it('changes exactly the rows an amendment affects: a withdrawal touches its unit and the districts it covers', () => {
    const before = generatedElection('g', 3, 4);
    const rows = initialResultRows(before, 0);
    const { definition } = facts.electionAmended(before, [
      { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-d2-2' },
    ]);
    const changed = amendResultRows(definition, rows.districts, rows.units, 1);
    expect(changed.units.map((u) => u.unitId)).toEqual(['na-d2']);
    expect(changed.units[0].candidates.map((c) => c.candidateId)).toEqual(['na-d2-1']);
    expect(changed.districts.map((d) => [d.districtId, d.candidateVotes])).toEqual([
      ['d2', { 'na-d2-1': 0 }],
    ]);
    expect(changed.droppedDistricts).toEqual([]);
    // The changed row records the amendment's position; the others keep the one they had.
    expect(changed.districts.map((d) => d.lastPosition)).toEqual([1]);
    expect(rows.districts.every((d) => d.lastPosition === 0)).toBe(true);
  });

  it('keeps the votes counted so far; a moved area changes the expected figures of both sides only', () => {
    const before = generatedElection('g', 3, 4);
    const rows = initialResultRows(before, 0);
    rows.units[0].pollingAreasReported = 1;
    rows.units[0].candidates[0].votes = 321;
    rows.districts[0].candidateVotes['na-d1-1'] = 321;
    const { definition } = facts.electionAmended(before, [
      { type: 'movePollingArea', pollingAreaId: 'd1-0004', districtId: 'd3' },
    ]);
    const changed = amendResultRows(definition, rows.districts, rows.units, 1);
    expect(
      changed.units.map((u) => [
        u.unitId,
        u.pollingAreasExpected,
        u.expectedRegisteredVoters,
        u.candidates[0].votes,
      ]),
    ).toEqual([
      ['na-d1', 3, 3000, 321],
      ['na-d3', 5, 5000, 0],
    ]);
    expect(changed.districts.map((d) => [d.districtId, d.pollingAreasExpected])).toEqual([
      ['d1', 3],
      ['d3', 5],
    ]);
  });
});
