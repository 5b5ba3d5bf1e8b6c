import type { StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { ProjectionLogger } from '../projection';
import { TurnoutQueries } from '../queries/turnout.queries';
import {
  counts,
  dumpReadModels,
  facts,
  MemoryLog,
  place,
  smallElection,
} from '../testing/read-model-fixtures';
import { AuditTrailProjection } from './audit-trail.projection';
import { ResultsProjection } from './results.projection';
import { TurnoutProjection } from './turnout.projection';

// smallElection: ba-dinh-0001 (1000 voters), ba-dinh-0002 (800), dong-da-0001 (1200); reporting 12:30/18:30/19:30 +7.
const E = 'hn-test';
const T1230 = '2021-05-23T05:30:00.000Z';
const T1830 = '2021-05-23T11:30:00.000Z';
const T1930 = '2021-05-23T12:30:00.000Z';

function turnoutFact(
  pollingAreaId: string,
  districtId: string,
  registeredVoters: number,
  asOf: string,
  votersVoted: number,
) {
  return facts.turnoutReported(E, { pollingAreaId, districtId, registeredVoters }, asOf, votersVoted);
}

describe('TurnoutProjection', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const warnings: string[] = [];
  const logger: ProjectionLogger = {
    log: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  const turnout = new TurnoutProjection(logger);
  const results = new ResultsProjection(logger);
  const audit = new AuditTrailProjection(logger);
  const apply = (events: StoredEvent[]) =>
    ds.transaction(async (manager) => {
      await results.apply(events, manager);
      await audit.apply(events, manager);
      await turnout.apply(events, manager);
    });
  const dumpTurnout = async () => ({
    elections: await ds.query('SELECT * FROM rm_turnout_elections ORDER BY election_id'),
    districts: await ds.query('SELECT * FROM rm_turnout_districts ORDER BY election_id, district_id'),
    areas: await ds.query('SELECT * FROM rm_turnout_areas ORDER BY election_id, polling_area_id'),
  });

  beforeAll(async () => {
    db = await createTestDatabase('rm_turnout');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });
  beforeEach(async () => {
    warnings.length = 0;
    await ds.query(
      `TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results, rm_audit_entries,
                rm_turnout_elections, rm_turnout_districts, rm_turnout_areas`,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  function day(): MemoryLog {
    const log = new MemoryLog();
    log.add(facts.electionDefined(smallElection(E)));
    log.add(turnoutFact('ba-dinh-0001', 'ba-dinh', 1000, T1230, 400));
    log.add(turnoutFact('dong-da-0001', 'dong-da', 1200, '2021-05-23T04:00:00.000Z', 300)); // 11:00 local
    log.add(turnoutFact('ba-dinh-0001', 'ba-dinh', 1000, T1930, 1000));
    log.add(turnoutFact('ba-dinh-0001', 'ba-dinh', 1000, T1830, 900)); // late, between its neighbours
    log.add(turnoutFact('ba-dinh-0002', 'ba-dinh', 800, '2021-05-23T11:45:00.000Z', 700)); // 18:45 local
    log.add(
      facts.tallySubmitted(
        E,
        place('ba-dinh-0001', 'ba-dinh'),
        counts(1000, 1000, 980, 20, { 'na-01-1': 980 }),
      ),
    );
    return log;
  }

  it('turnout per district and city at each reporting time and the latest', async () => {
    await apply(day().events);
    const view = await new TurnoutQueries(ds).turnout(E);
    expect(view!.position).toBe(-1); // no checkpoint: the runner saves it, not apply
    const baDinh = view!.districts.find((d) => d.districtId === 'ba-dinh')!;
    expect(baDinh).toEqual({
      districtId: 'ba-dinh',
      name: 'Ba Đình',
      registeredVoters: 1800,
      pollingAreasExpected: 2,
      latest: { votersVoted: 1700, turnout: 0.9444, pollingAreasReported: 2, pollingAreasComplete: 1 },
      byReportingTime: [
        { at: T1230, votersVoted: 400, turnout: 0.2222, pollingAreasReported: 1 },
        { at: T1830, votersVoted: 900, turnout: 0.5, pollingAreasReported: 1 },
        { at: T1930, votersVoted: 1700, turnout: 0.9444, pollingAreasReported: 2 },
      ],
    });
    expect(view!.city.latest).toEqual({
      votersVoted: 2000,
      turnout: 0.6667,
      pollingAreasReported: 3,
      pollingAreasComplete: 1,
    });
    expect(view!.city.byReportingTime.map((t) => t.votersVoted)).toEqual([700, 1200, 2000]);
    expect(warnings).toEqual([]);
  });

  it('is idempotent and independent of batch boundaries', async () => {
    const events = day().events;
    await apply(events);
    const once = await dumpTurnout();
    const resultsOnce = await dumpReadModels(ds);
    await apply(events); // the same events again
    expect(await dumpTurnout()).toEqual(once);
    expect(await dumpReadModels(ds)).toEqual(resultsOnce);

    await ds.query('TRUNCATE rm_turnout_elections, rm_turnout_districts, rm_turnout_areas');
    for (const event of events) await ds.transaction((m) => turnout.apply([event], m));
    expect(await dumpTurnout()).toEqual(once);
  });

  it('the results ignore turnout events; the audit trail lists them', async () => {
    const log = new MemoryLog();
    log.add(facts.electionDefined(smallElection(E)));
    const before = await (async () => {
      await apply(log.events);
      return (await dumpReadModels(ds)).rm_district_results;
    })();
    const report = log.add(turnoutFact('ba-dinh-0001', 'ba-dinh', 1000, T1230, 400));
    await apply([report]);
    const after = await dumpReadModels(ds);
    expect(after.rm_district_results).toEqual(before);
    expect(after.rm_audit_entries).toEqual([
      expect.anything(),
      expect.objectContaining({
        type: 'TurnoutReported',
        polling_area_id: 'ba-dinh-0001',
        district_id: 'ba-dinh',
      }),
    ]);
    expect(warnings).toEqual([]);
  });

  it('skips a malformed report or one of an unknown election, with a warning', async () => {
    const log = new MemoryLog();
    log.add(facts.electionDefined(smallElection(E)));
    const bad = turnoutFact('ba-dinh-0001', 'ba-dinh', 1000, 'noon', -3);
    log.add(bad);
    const stranger = turnoutFact('ba-dinh-0001', 'ba-dinh', 1000, T1230, 1);
    (stranger.event.data as { electionId: string }).electionId = 'other';
    log.add(stranger);
    await ds.transaction((m) => turnout.apply(log.events, m));
    expect(warnings).toEqual([
      expect.stringContaining('malformed turnout report'),
      expect.stringContaining('unknown election'),
    ]);
    expect((await new TurnoutQueries(ds).turnout(E))!.city.latest.pollingAreasReported).toBe(0);
  });
});
