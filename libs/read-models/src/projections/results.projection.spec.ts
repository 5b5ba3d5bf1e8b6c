import type { StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { ProjectionLogger } from '../projection';
import { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import { RmUnitResultEntity } from '../entities/rm-unit-result.entity';
import { ResultsQueries } from '../queries/results.queries';
import {
  counts,
  dumpReadModels,
  facts,
  generatedElection,
  MemoryLog,
  place,
  SheetPlace,
  smallElection,
  unitFacts,
} from '../testing/read-model-fixtures';
import { AuditTrailProjection } from './audit-trail.projection';
import { ResultsProjection } from './results.projection';

const E = 'hn-test';
const BD1 = place('ba-dinh-0001', 'ba-dinh');
const BD2 = place('ba-dinh-0002', 'ba-dinh');
const DD1 = place('dong-da-0001', 'dong-da');
const BD1_HD = place('ba-dinh-0001', 'ba-dinh', 'hdnd', 'hd-01');

const BD1_COUNTS = counts(1000, 900, 880, 20, { 'na-01-1': 700, 'na-01-2': 500, 'na-01-3': 300 });
const BD2_COUNTS = counts(800, 700, 690, 10, { 'na-01-1': 400, 'na-01-2': 500, 'na-01-3': 200 });
const DD1_COUNTS = counts(1200, 1100, 1080, 20, { 'na-01-1': 900, 'na-01-2': 300, 'na-01-3': 650 });

describe('ResultsProjection and AuditTrailProjection', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const warnings: string[] = [];
  const logger: ProjectionLogger = {
    log: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  const results = new ResultsProjection(logger);
  const audit = new AuditTrailProjection(logger);

  const apply = (events: StoredEvent[]) =>
    ds.transaction(async (manager) => {
      await results.apply(events, manager);
      await audit.apply(events, manager);
    });

  beforeAll(async () => {
    db = await createTestDatabase('rm_projection');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });

  beforeEach(async () => {
    warnings.length = 0;
    await ds.query(
      'TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results, rm_audit_entries',
    );
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  function electionNight(): MemoryLog {
    const log = new MemoryLog();
    log.add(facts.electionDefined(smallElection(E)));
    log.add(facts.tallySubmitted(E, BD1, BD1_COUNTS));
    log.add(facts.tallySubmitted(E, BD2, BD2_COUNTS));
    log.add(facts.tallySubmitted(E, DD1, DD1_COUNTS));
    return log;
  }

  it('starts every district × contest and unit at zero reported, with the polling areas it expects', async () => {
    const log = new MemoryLog();
    log.add(facts.electionDefined(smallElection(E)));
    await apply(log.events);

    // Through the entities: their bigint transformer hands the totals back as numbers.
    const districts = await ds
      .getRepository(RmDistrictResultEntity)
      .find({ order: { districtId: 'ASC', contestId: 'ASC' } });
    expect(
      districts.map(
        ({ districtId, contestId, pollingAreasReported, pollingAreasExpected, candidateVotes }) => ({
          districtId,
          contestId,
          pollingAreasReported,
          pollingAreasExpected,
          candidateVotes,
        }),
      ),
    ).toEqual([
      {
        districtId: 'ba-dinh',
        contestId: 'hdnd',
        pollingAreasReported: 0,
        pollingAreasExpected: 2,
        candidateVotes: { 'hd-01-1': 0, 'hd-01-2': 0 },
      },
      {
        districtId: 'ba-dinh',
        contestId: 'na',
        pollingAreasReported: 0,
        pollingAreasExpected: 2,
        candidateVotes: { 'na-01-1': 0, 'na-01-2': 0, 'na-01-3': 0 },
      },
      {
        districtId: 'dong-da',
        contestId: 'hdnd',
        pollingAreasReported: 0,
        pollingAreasExpected: 1,
        candidateVotes: { 'hd-02-1': 0, 'hd-02-2': 0 },
      },
      {
        districtId: 'dong-da',
        contestId: 'na',
        pollingAreasReported: 0,
        pollingAreasExpected: 1,
        candidateVotes: { 'na-01-1': 0, 'na-01-2': 0, 'na-01-3': 0 },
      },
    ]);
    const units = await ds.getRepository(RmUnitResultEntity).find({ order: { unitId: 'ASC' } });
    expect(
      units.map(({ unitId, pollingAreasExpected, expectedRegisteredVoters }) => ({
        unitId,
        pollingAreasExpected,
        expectedRegisteredVoters,
      })),
    ).toEqual([
      { unitId: 'hd-01', pollingAreasExpected: 2, expectedRegisteredVoters: 1800 },
      { unitId: 'hd-02', pollingAreasExpected: 1, expectedRegisteredVoters: 1200 },
      { unitId: 'na-01', pollingAreasExpected: 3, expectedRegisteredVoters: 3000 },
    ]);
  });

  it('sums the submitted sheets per district and reports shares, turnout and Art. 78 winners', async () => {
    await apply(electionNight().events);
    const queries = new ResultsQueries(ds);

    const baDinh = await queries.districtResult(E, 'ba-dinh');
    const na = baDinh!.contests.find((c) => c.contestId === 'na')!;
    expect(na).toEqual({
      contestId: 'na',
      name: 'Quốc hội',
      kind: 'national-assembly',
      pollingAreasReported: 2,
      pollingAreasHeld: 0,
      pollingAreasUnverified: 0,
      pollingAreasExpected: 2,
      registeredVoters: 1800,
      votersVoted: 1600,
      turnout: 0.8889,
      validBallots: 1570,
      invalidBallots: 30,
      candidates: [
        { candidateId: 'na-01-1', unitId: 'na-01', name: 'An', votes: 1100, share: 0.7006, elected: true },
        // Above half in this district, but `elected` is the unit's outcome, where Bình has 1300 of 2650.
        { candidateId: 'na-01-2', unitId: 'na-01', name: 'Bình', votes: 1000, share: 0.6369, elected: false },
        { candidateId: 'na-01-3', unitId: 'na-01', name: 'Cường', votes: 500, share: 0.3185, elected: false },
      ],
      // The NA unit spans both districts: its outcome is the unit's, not this district's.
      units: [
        {
          unitId: 'na-01',
          name: 'Đơn vị số 1',
          outcome: 'supplementary-required',
          outcomeReason: null,
          seatsUnfilled: 1,
          provisional: false,
          certified: null,
          annulment: null,
          // No follow-up round: the combined outcome is the unit's own.
          rounds: [],
          combined: {
            outcome: 'supplementary-required',
            outcomeReason: null,
            seatsUnfilled: 1,
            provisional: false,
            decidedBy: 'na',
            elected: [{ candidateId: 'na-01-1', name: 'An', contestId: 'na' }],
          },
        },
      ],
    });
    // hdnd in ba-dinh has no sheet yet.
    const hdnd = baDinh!.contests.find((c) => c.contestId === 'hdnd')!;
    expect(hdnd).toMatchObject({
      pollingAreasReported: 0,
      pollingAreasExpected: 2,
      turnout: 0,
      validBallots: 0,
    });

    const city = await queries.cityResults(E);
    const cityNa = city!.contests.find((c) => c.contestId === 'na')!;
    expect(cityNa).toMatchObject({
      pollingAreasReported: 3,
      pollingAreasExpected: 3,
      registeredVoters: 3000,
      votersVoted: 2700,
      turnout: 0.9,
      validBallots: 2650,
      invalidBallots: 50,
      complete: true,
    });
    expect(cityNa.units[0]).toMatchObject({
      unitId: 'na-01',
      seats: 2,
      provisional: false,
      // Only An passes half of the valid ballots: one of two seats stays open (Art. 79).
      status: 'seats_unfilled',
      outcome: 'supplementary-required',
      outcomeReason: null,
      seatsUnfilled: 1,
      unresolvedTie: false,
      expectedRegisteredVoters: 3000,
    });
    // 2000 / 2650 and 1300 / 2650 pass half of the valid ballots; 1150 does not.
    expect(cityNa.units[0].candidates).toEqual([
      { candidateId: 'na-01-1', name: 'An', votes: 2000, share: 0.7547, elected: true },
      { candidateId: 'na-01-2', name: 'Bình', votes: 1300, share: 0.4906, elected: false },
      { candidateId: 'na-01-3', name: 'Cường', votes: 1150, share: 0.434, elected: false },
    ]);
    const cityHdnd = city!.contests.find((c) => c.contestId === 'hdnd')!;
    expect(cityHdnd).toMatchObject({ complete: false, pollingAreasReported: 0, pollingAreasExpected: 3 });
    expect(cityHdnd.units.map((u) => [u.unitId, u.provisional, u.status, u.outcome])).toEqual([
      ['hd-01', true, 'no_ballots', null],
      ['hd-02', true, 'no_ballots', null],
    ]);
  });

  it('replaces a sheet on correction instead of adding to it', async () => {
    const log = electionNight();
    const corrected = counts(1000, 900, 870, 30, { 'na-01-1': 650, 'na-01-2': 550, 'na-01-3': 300 });
    log.add(
      facts.tallyCorrected(E, BD1, corrected, BD1_COUNTS, 'Transcription error on the sheet', [
        'validBallots',
      ]),
    );
    await apply(log.events.slice(0, 4));
    await apply(log.events.slice(4));

    const row = await ds
      .getRepository(RmDistrictResultEntity)
      .findOneByOrFail({ electionId: E, districtId: 'ba-dinh', contestId: 'na' });
    expect(row).toMatchObject({
      pollingAreasReported: 2,
      registeredVoters: 1800,
      votersVoted: 1600,
      validBallots: 870 + 690,
      invalidBallots: 30 + 10,
      candidateVotes: { 'na-01-1': 1050, 'na-01-2': 1050, 'na-01-3': 500 },
    });
    const [sheet] = await ds.query(`SELECT * FROM rm_tally_sheets WHERE polling_area_id = 'ba-dinh-0001'`);
    expect(sheet).toMatchObject({
      status: 'corrected',
      corrections: 1,
      revision: 1,
      counts: corrected,
      last_position: '4',
    });
    const unit = await ds
      .getRepository(RmUnitResultEntity)
      .findOneByOrFail({ electionId: E, unitId: 'na-01' });
    expect(unit.validBallots).toBe(870 + 690 + 1080);
    expect(unit.candidates.map((c: { votes: number }) => c.votes)).toEqual([1950, 1350, 1150]);
  });

  it('is idempotent when a batch is delivered twice, or replayed in pieces', async () => {
    const log = electionNight();
    log.add(facts.tallySubmitted(E, BD1_HD, counts(1000, 900, 880, 20, { 'hd-01-1': 600, 'hd-01-2': 280 })));
    log.add(
      facts.tallyCorrected(
        E,
        BD1,
        counts(1000, 900, 880, 20, { 'na-01-1': 701, 'na-01-2': 499, 'na-01-3': 300 }),
        BD1_COUNTS,
        'Recount ordered',
        ['candidateVotes.na-01-1', 'candidateVotes.na-01-2'],
      ),
    );
    await apply(log.events);
    const once = await dumpReadModels(ds);

    await apply(log.events);
    expect(await dumpReadModels(ds)).toEqual(once);

    await apply(log.events.slice(2, 5));
    await apply(log.events.slice(5));
    expect(await dumpReadModels(ds)).toEqual(once);
  });

  it('yields the same rows whether the log arrives in one batch or one event at a time', async () => {
    const log = electionNight();
    log.add(
      facts.tallyCorrected(
        E,
        DD1,
        counts(1200, 1100, 1081, 19, { 'na-01-1': 901, 'na-01-2': 300, 'na-01-3': 650 }),
        DD1_COUNTS,
        'Invalid ballot recounted',
        ['validBallots'],
      ),
    );
    await apply(log.events);
    const batched = await dumpReadModels(ds);

    await ds.query(
      'TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results, rm_audit_entries',
    );
    for (const event of log.events) await apply([event]);
    expect(await dumpReadModels(ds)).toEqual(batched);
  });

  it('keeps district sums equal to the city totals', async () => {
    const log = electionNight();
    log.add(facts.tallySubmitted(E, BD1_HD, counts(1000, 900, 880, 20, { 'hd-01-1': 600, 'hd-01-2': 280 })));
    log.add(
      facts.tallyCorrected(
        E,
        BD2,
        counts(800, 700, 680, 20, { 'na-01-1': 400, 'na-01-2': 480, 'na-01-3': 200 }),
        BD2_COUNTS,
        'Invalid ballots recounted',
        ['validBallots', 'invalidBallots'],
      ),
    );
    await apply(log.events);
    const queries = new ResultsQueries(ds);
    const [districts, city] = await Promise.all([queries.districtResults(E), queries.cityResults(E)]);
    expect(districts!.position).toBe(city!.position);

    const fields = [
      'pollingAreasReported',
      'pollingAreasExpected',
      'registeredVoters',
      'votersVoted',
      'validBallots',
      'invalidBallots',
    ] as const;
    for (const contest of city!.contests) {
      const rows = districts!.districts.flatMap((d) =>
        d.contests.filter((c) => c.contestId === contest.contestId),
      );
      for (const field of fields) {
        expect([contest.contestId, field, rows.reduce((sum, r) => sum + r[field], 0)]).toEqual([
          contest.contestId,
          field,
          contest[field],
        ]);
      }
      const unitValid = contest.units.reduce((sum, u) => sum + u.validBallots, 0);
      expect(unitValid).toBe(contest.validBallots);
    }
  });

  it('logs and skips facts it cannot place, without throwing', async () => {
    const log = new MemoryLog();
    log.add(facts.tallySubmitted('nowhere', BD1, BD1_COUNTS));
    log.add(facts.electionDefined(smallElection(E)));
    log.add({
      streamId: 'tally-hn-test.x.na',
      event: { ...facts.tallySubmitted(E, BD1, BD1_COUNTS).event, type: 'TallyVoided' },
    });
    log.add({
      streamId: 'tally-hn-test.y.na',
      event: { ...facts.tallySubmitted(E, BD2, BD2_COUNTS).event, data: { counts: 'garbage' } },
    });
    log.add({ streamId: 'other-stream', event: facts.tallySubmitted(E, DD1, DD1_COUNTS).event });
    await expect(apply(log.events)).resolves.toBeUndefined();

    expect(warnings.some((w) => w.includes('unknown election'))).toBe(true);
    expect(warnings.some((w) => w.includes('unknown tally event type'))).toBe(true);
    expect(warnings.some((w) => w.includes('malformed'))).toBe(true);
    const sheets = await ds.query('SELECT * FROM rm_tally_sheets');
    expect(sheets).toEqual([]);
    const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM rm_elections');
    expect(count).toBe(1);
  });

  it('sums totals past 2^31 exactly (300 sheets of 9,000,000 voters in one district and unit), as numbers', async () => {
    const BIG = 'hn-big';
    const AREAS = 300;
    const generated = generatedElection(BIG, 1, AREAS);
    const definition = {
      ...generated,
      pollingAreas: generated.pollingAreas.map((a) => ({ ...a, registeredVoters: 9_000_000 })),
    };
    const sheet = counts(9_000_000, 8_000_000, 7_900_000, 100_000, {
      'na-d1-1': 7_500_000,
      'na-d1-2': 400_000,
    });
    const places = definition.pollingAreas.map((a): SheetPlace => ({
      pollingAreaId: a.pollingAreaId,
      contestId: 'na',
      districtId: 'd1',
      unitId: 'na-d1',
    }));
    const log = new MemoryLog();
    log.add(facts.electionDefined(definition));
    for (const p of places) log.add(facts.tallySubmitted(BIG, p, sheet));
    // A correction subtracts from the big totals too.
    const fixed = counts(9_000_000, 8_000_000, 7_800_000, 200_000, {
      'na-d1-1': 7_400_000,
      'na-d1-2': 400_000,
    });
    log.add(
      facts.tallyCorrected(BIG, places[0], fixed, sheet, 'Recount', ['validBallots', 'invalidBallots']),
    );
    // Several batches, so totals are read back from bigint columns between them.
    for (let i = 0; i < log.events.length; i += 100) await apply(log.events.slice(i, i + 100));

    const expected = {
      pollingAreasReported: AREAS,
      pollingAreasHeld: 0,
      pollingAreasUnverified: 0,
      pollingAreasExpected: AREAS,
      registeredVoters: 2_700_000_000,
      votersVoted: 2_400_000_000,
      validBallots: 2_370_000_000 - 100_000,
      invalidBallots: 30_000_000 + 100_000,
    };
    const votes = { first: 2_250_000_000 - 100_000, second: 120_000_000 };
    expect(expected.registeredVoters).toBeGreaterThan(2 ** 31);
    expect(votes.first).toBeGreaterThan(2 ** 31);
    expect(warnings).toEqual([]);

    const queries = new ResultsQueries(ds);
    // A JSON round trip, as the api sends it: a string would not survive toEqual against numbers.
    const district = JSON.parse(JSON.stringify(await queries.districtResult(BIG, 'd1')));
    expect(district.contests).toEqual([
      {
        contestId: 'na',
        name: 'Quốc hội',
        kind: null,
        ...expected,
        turnout: 0.8889,
        candidates: [
          {
            candidateId: 'na-d1-1',
            unitId: 'na-d1',
            name: 'First',
            votes: votes.first,
            share: 0.9494,
            elected: true,
          },
          {
            candidateId: 'na-d1-2',
            unitId: 'na-d1',
            name: 'Second',
            votes: votes.second,
            share: 0.0506,
            elected: false,
          },
        ],
        units: [
          {
            unitId: 'na-d1',
            name: 'Unit d1',
            outcome: 'elected',
            outcomeReason: null,
            seatsUnfilled: 0,
            provisional: false,
            certified: null,
            annulment: null,
            rounds: [],
            combined: {
              outcome: 'elected',
              outcomeReason: null,
              seatsUnfilled: 0,
              provisional: false,
              decidedBy: 'na',
              elected: [{ candidateId: 'na-d1-1', name: 'First', contestId: 'na' }],
            },
          },
        ],
      },
    ]);

    const city = JSON.parse(JSON.stringify(await queries.cityResults(BIG)));
    const { units, ...contest } = city.contests[0];
    expect(contest).toEqual({
      contestId: 'na',
      name: 'Quốc hội',
      kind: null,
      round: null,
      pollingDate: '2021-05-23',
      ...expected,
      turnout: 0.8889,
      complete: true,
      unitsCertified: 0,
      unitsTotal: 1,
    });
    expect(units).toEqual([
      {
        unitId: 'na-d1',
        name: 'Unit d1',
        seats: 1,
        ...expected,
        turnout: 0.8889,
        expectedRegisteredVoters: 2_700_000_000,
        provisional: false,
        status: 'seats_filled',
        outcome: 'elected',
        outcomeReason: null,
        seatsUnfilled: 0,
        certified: null,
        annulment: null,
        unresolvedTie: false,
        candidates: [
          { candidateId: 'na-d1-1', name: 'First', votes: votes.first, share: 0.9494, elected: true },
          { candidateId: 'na-d1-2', name: 'Second', votes: votes.second, share: 0.0506, elected: false },
        ],
        rounds: [],
        combined: {
          outcome: 'elected',
          outcomeReason: null,
          seatsUnfilled: 0,
          provisional: false,
          decidedBy: 'na',
          elected: [{ candidateId: 'na-d1-1', name: 'First', contestId: 'na' }],
        },
      },
    ]);

    const row = await ds
      .getRepository(RmDistrictResultEntity)
      .findOneByOrFail({ electionId: BIG, districtId: 'd1', contestId: 'na' });
    expect(row).toMatchObject({
      ...expected,
      candidateVotes: { 'na-d1-1': votes.first, 'na-d1-2': votes.second },
    });
    const unit = await ds
      .getRepository(RmUnitResultEntity)
      .findOneByOrFail({ electionId: BIG, unitId: 'na-d1' });
    expect(unit).toMatchObject({ ...expected, expectedRegisteredVoters: 2_700_000_000 });
    expect(unit.candidates.map((c) => c.votes)).toEqual([votes.first, votes.second]);
  });

  it('skips, without throwing, a sheet that would push a total past 2^53', async () => {
    const log = electionNight();
    const huge = Number.MAX_SAFE_INTEGER - 1000;
    const hd = (id: string): SheetPlace => ({ ...BD1_HD, pollingAreaId: id });
    const sheet = counts(huge, 900, 880, 20, { 'hd-01-1': 600, 'hd-01-2': 280 });
    log.add(facts.tallySubmitted(E, hd('ba-dinh-0001'), sheet));
    log.add(facts.tallySubmitted(E, hd('ba-dinh-0002'), sheet));
    await expect(apply(log.events)).resolves.toBeUndefined();
    expect(warnings.filter((w) => w.includes('MAX_SAFE_INTEGER'))).toHaveLength(1);
    const city = await new ResultsQueries(ds).cityResults(E);
    expect(city!.contests.find((c) => c.contestId === 'na')).toMatchObject({ registeredVoters: 3000 });
    expect(city!.contests.find((c) => c.contestId === 'hdnd')).toMatchObject({
      pollingAreasReported: 1,
      registeredVoters: huge,
      validBallots: 880,
    });
  });

  describe('certification', () => {
    function certifiedNight(): MemoryLog {
      const log = electionNight();
      log.add(unitFacts.certified(E, 'na', 'na-01'));
      return log;
    }

    it('shows a certified unit with when, by whom and at which position; counts per contest and city', async () => {
      const log = certifiedNight();
      await apply(log.events);
      const city = await new ResultsQueries(ds).cityResults(E);
      const na = city!.contests.find((c) => c.contestId === 'na')!;
      expect(na.units[0].certified).toEqual({
        at: '2021-05-25T10:00:00.000Z',
        by: 'admin-ba-dinh',
        position: 4,
      });
      expect([na.unitsCertified, na.unitsTotal]).toEqual([1, 1]);
      const hdnd = city!.contests.find((c) => c.contestId === 'hdnd')!;
      expect([hdnd.unitsCertified, hdnd.unitsTotal]).toEqual([0, 2]);
      expect(hdnd.units.map((u) => u.certified)).toEqual([null, null]);
      expect([city!.unitsCertified, city!.unitsTotal, city!.official]).toEqual([1, 3, false]);
      const district = await new ResultsQueries(ds).districtResult(E, 'dong-da');
      expect(district!.contests.find((c) => c.contestId === 'na')!.units[0].certified).toMatchObject({
        position: 4,
      });
    });

    it('the election is official once every unit of every contest is certified', async () => {
      const log = certifiedNight();
      log.add(unitFacts.certified(E, 'hdnd', 'hd-01'));
      await apply(log.events);
      expect((await new ResultsQueries(ds).cityResults(E))!.official).toBe(false);
      log.add(unitFacts.certified(E, 'hdnd', 'hd-02'));
      await apply(log.events.slice(-1));
      const city = await new ResultsQueries(ds).cityResults(E);
      expect([city!.unitsCertified, city!.unitsTotal, city!.official]).toEqual([3, 3, true]);
    });

    it('a revocation reopens the unit; certified again, it carries the new position', async () => {
      const log = certifiedNight();
      log.add(unitFacts.revoked(E, 'na', 'na-01'));
      await apply(log.events);
      let city = await new ResultsQueries(ds).cityResults(E);
      expect(city!.contests[0].units[0].certified).toBeNull();
      log.add(unitFacts.certified(E, 'na', 'na-01', '2021-05-27T09:00:00.000Z', 'city-admin'));
      await apply(log.events.slice(-1));
      city = await new ResultsQueries(ds).cityResults(E);
      expect(city!.contests[0].units[0].certified).toEqual({
        at: '2021-05-27T09:00:00.000Z',
        by: 'city-admin',
        position: 6,
      });
    });

    it('is idempotent when delivered twice and independent of the batching', async () => {
      const log = certifiedNight();
      log.add(unitFacts.revoked(E, 'na', 'na-01'));
      log.add(unitFacts.certified(E, 'hdnd', 'hd-02'));
      log.add(unitFacts.certified(E, 'na', 'na-01', '2021-05-27T09:00:00.000Z'));
      await apply(log.events);
      const once = await dumpReadModels(ds);
      // The revocation again must not reopen the unit certified after it.
      await apply(log.events.slice(5, 6));
      expect(await dumpReadModels(ds)).toEqual(once);
      await apply(log.events);
      expect(await dumpReadModels(ds)).toEqual(once);
      await ds.query(
        'TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results, rm_audit_entries',
      );
      for (const event of log.events) await apply([event]);
      expect(await dumpReadModels(ds)).toEqual(once);
    });

    it('skips, with a warning, a unit the definition does not have and an unknown unit event', async () => {
      const log = electionNight();
      log.add(unitFacts.certified(E, 'na', 'na-99'));
      const odd = unitFacts.certified(E, 'na', 'na-01');
      log.add({ ...odd, event: { ...odd.event, type: 'UnitSealed' } });
      await expect(apply(log.events)).resolves.toBeUndefined();
      expect(warnings.some((w) => w.includes('no unit row na/na-99'))).toBe(true);
      expect(warnings.some((w) => w.includes('unknown unit event type'))).toBe(true);
      const [{ n }] = await ds.query(
        'SELECT count(*)::int AS n FROM rm_unit_results WHERE certification IS NOT NULL',
      );
      expect(n).toBe(0);
      const audit = await ds.query(
        `SELECT type, summary FROM rm_audit_entries WHERE type LIKE 'Unit%' ORDER BY position`,
      );
      expect(audit).toEqual([
        { type: 'UnitCertified', summary: 'Unit na-99 / na certified: elected, 0 elected' },
        { type: 'UnitSealed', summary: 'UnitSealed on unit-hn-test.na.na-01' },
      ]);
    });
  });

  describe('annulment', () => {
    it('an annulled unit requires a re-vote in the city and district views, with when, by whom and why', async () => {
      const log = electionNight();
      await apply(log.events);
      const queries = new ResultsQueries(ds);
      const before = (await queries.cityResults(E))!.contests[0].units[0];
      expect([before.outcome, before.outcomeReason, before.annulment]).toEqual([
        'supplementary-required',
        null,
        null,
      ]);
      expect(before.candidates.filter((c) => c.elected).length).toBeGreaterThan(0);

      log.add(unitFacts.annulled(E, 'na', 'na-01'));
      await apply(log.events.slice(-1));
      const city = await queries.cityResults(E);
      const unit = city!.contests[0].units[0];
      const annulment = {
        at: '2021-05-29T09:00:00.000Z',
        by: 'city-admin',
        reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra',
      };
      expect(unit).toMatchObject({
        outcome: 're-vote-required',
        outcomeReason: 'annulled',
        seatsUnfilled: unit.seats,
        annulment,
        certified: null,
        // The counts stay as counted; they elect nobody.
        votersVoted: before.votersVoted,
        combined: { outcome: 're-vote-required', outcomeReason: 'annulled', elected: [] },
      });
      expect(unit.candidates.map((c) => c.votes)).toEqual(before.candidates.map((c) => c.votes));
      expect(unit.candidates.every((c) => !c.elected)).toBe(true);
      // Only that unit: the council units keep their own outcome.
      expect(city!.contests[1].units.map((u) => u.annulment)).toEqual([null, null]);
      const district = await queries.districtResult(E, 'dong-da');
      const na = district!.contests.find((c) => c.contestId === 'na')!;
      expect(na.units[0]).toMatchObject({
        outcome: 're-vote-required',
        outcomeReason: 'annulled',
        annulment,
      });
      expect(na.candidates.every((c) => !c.elected)).toBe(true);
      const audit = await ds.query(
        `SELECT type, summary, reason FROM rm_audit_entries WHERE type = 'UnitResultAnnulled'`,
      );
      expect(audit).toEqual([
        {
          type: 'UnitResultAnnulled',
          summary: 'Result of unit na-01 / na annulled: a re-vote is required',
          reason: annulment.reason,
        },
      ]);
    });

    it('an annulled unit certified afterwards shows both', async () => {
      const log = electionNight();
      log.add(unitFacts.annulled(E, 'na', 'na-01'));
      log.add(unitFacts.certified(E, 'na', 'na-01', '2021-05-30T09:00:00.000Z'));
      await apply(log.events);
      const unit = (await new ResultsQueries(ds).cityResults(E))!.contests[0].units[0];
      expect(unit).toMatchObject({
        outcome: 're-vote-required',
        outcomeReason: 'annulled',
        annulment: { at: '2021-05-29T09:00:00.000Z' },
        certified: { at: '2021-05-30T09:00:00.000Z', position: 5 },
      });
    });

    it('is idempotent when delivered twice and independent of the batching', async () => {
      const log = electionNight();
      log.add(unitFacts.certified(E, 'na', 'na-01'));
      log.add(unitFacts.revoked(E, 'na', 'na-01'));
      log.add(unitFacts.annulled(E, 'na', 'na-01'));
      log.add(unitFacts.annulled(E, 'hdnd', 'hd-02', '2021-05-29T10:00:00.000Z'));
      log.add(unitFacts.certified(E, 'na', 'na-01', '2021-05-30T09:00:00.000Z'));
      await apply(log.events);
      const once = await dumpReadModels(ds);
      const [row] = await ds.query(
        `SELECT annulment, unit_revision FROM rm_unit_results WHERE contest_id = 'na' AND unit_id = 'na-01'`,
      );
      expect(row).toEqual({
        annulment: {
          at: '2021-05-29T09:00:00.000Z',
          by: 'city-admin',
          reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra',
        },
        unit_revision: 3,
      });
      // The annulment and the revocation again change nothing, nor does the whole log again.
      await apply(log.events.slice(5, 7));
      expect(await dumpReadModels(ds)).toEqual(once);
      await apply(log.events);
      expect(await dumpReadModels(ds)).toEqual(once);
      for (const size of [1, 2, 3]) {
        await ds.query(
          'TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results, rm_audit_entries',
        );
        for (let i = 0; i < log.events.length; i += size) await apply(log.events.slice(i, i + size));
        expect(await dumpReadModels(ds)).toEqual(once);
      }
    });

    it('skips, with a warning, a malformed annulment and one of a unit the definition does not have', async () => {
      const log = electionNight();
      const odd = unitFacts.annulled(E, 'na', 'na-01');
      log.add({ ...odd, event: { ...odd.event, data: { ...odd.event.data, reason: 7 } as never } });
      log.add(unitFacts.annulled(E, 'na', 'na-99'));
      await expect(apply(log.events)).resolves.toBeUndefined();
      expect(warnings.some((w) => w.includes('malformed annulment'))).toBe(true);
      expect(warnings.some((w) => w.includes('no unit row na/na-99'))).toBe(true);
      const [{ n }] = await ds.query(
        'SELECT count(*)::int AS n FROM rm_unit_results WHERE annulment IS NOT NULL',
      );
      expect(n).toBe(0);
    });
  });

  it('returns null for an unknown election or district', async () => {
    await apply(electionNight().events);
    const queries = new ResultsQueries(ds);
    expect(await queries.districtResults('nope')).toBeNull();
    expect(await queries.cityResults('nope')).toBeNull();
    expect(await queries.districtResult(E, 'nope')).toBeNull();
  });
});
