import type { StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { ProjectionLogger } from '../projection';
import { TurnoutQueries } from '../queries/turnout.queries';
import { counts, facts, MemoryLog, place, smallElection } from '../testing/read-model-fixtures';
import { LiveTimelineProjection } from './live-timeline.projection';

// smallElection: ba-dinh-0001 (1000 voters), ba-dinh-0002 (800), dong-da-0001 (1200): 3,000 registered;
// contest na has 3 sheets to expect, hdnd 3.
const E = 'hn-test';
const T1230 = '2021-05-23T05:30:00.000Z';
const T1930 = '2021-05-23T12:30:00.000Z';
const BA_DINH_1 = { pollingAreaId: 'ba-dinh-0001', districtId: 'ba-dinh', registeredVoters: 1000 };
const DONG_DA_1 = { pollingAreaId: 'dong-da-0001', districtId: 'dong-da', registeredVoters: 1200 };
const at = (seconds: number) => new Date(Date.UTC(2021, 4, 23, 20, 0, 0) + seconds * 1000);

describe('LiveTimelineProjection', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const warnings: string[] = [];
  const logger: ProjectionLogger = {
    log: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  const timeline = new LiveTimelineProjection(logger);
  const apply = (events: StoredEvent[]) => ds.transaction((m) => timeline.apply(events, m));
  const points = () =>
    ds.query(
      `SELECT to_char(bucket AT TIME ZONE 'UTC', 'HH24:MI:SS') AS bucket, position::int, turnout, reporting
       FROM rm_live_timeline WHERE election_id = $1 ORDER BY bucket`,
      [E],
    );

  beforeAll(async () => {
    db = await createTestDatabase('rm_live_timeline');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });
  beforeEach(async () => {
    warnings.length = 0;
    await ds.query(`TRUNCATE ${timeline.tables.join(', ')}`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Events at 20:00:00, :03, :09 (bucket 20:00:00), :12, :19 (20:00:10) and :31 (20:00:30). */
  function night(): StoredEvent[] {
    const log = new MemoryLog();
    log.add(facts.electionDefined(smallElection(E)), at(0));
    log.add(facts.turnoutReported(E, BA_DINH_1, T1930, 900), at(3));
    log.add(facts.turnoutReported(E, DONG_DA_1, T1230, 300), at(9));
    log.add(
      facts.tallySubmitted(
        E,
        place('ba-dinh-0001', 'ba-dinh'),
        counts(1000, 900, 880, 20, { 'na-01-1': 880 }),
      ),
      at(12),
    );
    // Late: an earlier asOf than the area's latest report, so the city turnout stays.
    log.add(facts.turnoutReported(E, BA_DINH_1, T1230, 400), at(19));
    log.add(facts.turnoutReported(E, DONG_DA_1, T1930, 1200), at(31));
    return log.events;
  }

  const expected = [
    { bucket: '20:00:00', position: 2, turnout: 0.4, reporting: { na: 0, hdnd: 0 } },
    { bucket: '20:00:10', position: 4, turnout: 0.4, reporting: { na: 0.3333, hdnd: 0 } },
    { bucket: '20:00:30', position: 5, turnout: 0.7, reporting: { na: 0.3333, hdnd: 0 } },
  ];

  it('writes one point per 10 s bucket: the state after the last event in it', async () => {
    await apply(night());
    expect(await points()).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('a batch spanning several buckets writes each of them, as one event per batch does', async () => {
    const events = night();
    for (const event of events) await apply([event]);
    expect(await points()).toEqual(expected);

    await ds.query(`TRUNCATE ${timeline.tables.join(', ')}`);
    await apply(events.slice(0, 2));
    await apply(events.slice(2, 5)); // ends inside bucket 20:00:10, which the next batch does not touch
    await apply(events.slice(5));
    await apply(events.slice(1, 4)); // delivered again: skipped
    expect(await points()).toEqual(expected);
  });

  it('serves the points through the turnout queries, oldest first', async () => {
    await apply(night());
    const served = await new TurnoutQueries(ds).timeline(E);
    expect(served.map((p) => [p.at, p.position])).toEqual([
      [at(9).toISOString(), 2],
      [at(19).toISOString(), 4],
      [at(31).toISOString(), 5],
    ]);
    expect(await new TurnoutQueries(ds).timelineAfter(E, 2)).toHaveLength(2);
  });

  it('ignores events of an election it has no definition of', async () => {
    const log = new MemoryLog();
    log.add(facts.turnoutReported('other', BA_DINH_1, T1230, 10));
    await apply(log.events);
    expect(await ds.query('SELECT * FROM rm_live_timeline')).toEqual([]);
  });
});
