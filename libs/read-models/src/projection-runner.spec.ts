import { EventStore, migratePostgresEventStore, PostgresEventStore, StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from './data-source';
import type { Projection, ProjectionLogger } from './projection';
import { ProjectionRunner, ProjectionRunnerOptions, ProjectionStatus } from './projection-runner';
import { AuditTrailProjection } from './projections/audit-trail.projection';
import { ResultsProjection } from './projections/results.projection';
import { ResultsQueries } from './queries/results.queries';
import {
  counts,
  dumpReadModels,
  facts,
  generatedElection,
  place,
  smallElection,
} from './testing/read-model-fixtures';

const E = 'hn-runner';
const BD1 = place('ba-dinh-0001', 'ba-dinh');
const BD2 = place('ba-dinh-0002', 'ba-dinh');
const DD1 = place('dong-da-0001', 'dong-da');
const BD1_COUNTS = counts(1000, 900, 880, 20, { 'na-01-1': 700, 'na-01-2': 500, 'na-01-3': 300 });

const quiet: ProjectionLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: (m) => console.error(m),
};
const fast: ProjectionRunnerOptions = { batchSize: 2, standbyRetryMs: 100, errorRetryMs: 100, logger: quiet };
const projections = (): Projection[] => [new ResultsProjection(quiet), new AuditTrailProjection(quiet)];

const RESULTS_VERSION = new ResultsProjection(quiet).version;
/** The next version of the results projection: same rules, so a rebuild must give the same rows. */
class ResultsProjectionV2 extends ResultsProjection {
  override readonly version = RESULTS_VERSION + 1;
}

/**
 * Throws on the events of one stream while `broken`, as a projection with a bug (or a column too narrow) would. The
 * stream is named before its event is appended: the runner may apply the event before the append has returned.
 */
class FlakyProjection implements Projection {
  readonly name = 'flaky';
  readonly version = 1;
  readonly tables: string[] = [];
  broken = true;
  poisonStream = '';
  attempts = 0;

  async apply(events: StoredEvent[]): Promise<void> {
    if (!events.some((e) => e.streamId === this.poisonStream)) return;
    this.attempts++;
    if (this.broken) throw new Error(`value "2150000000" is out of range for type integer`);
  }
}

/** Polls status() until the first projection's entry matches. */
async function waitForStatus(
  runner: ProjectionRunner,
  predicate: (status: ProjectionStatus) => boolean,
  timeoutMs = 15_000,
): Promise<ProjectionStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [status] = await runner.status();
    if (predicate(status)) return status;
    if (Date.now() > deadline) throw new Error(`status never matched; last: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls until every projection's state is `expected` (or the time is up); returns the states last seen. */
async function settledStates(
  runner: ProjectionRunner,
  expected: string,
  timeoutMs = 15_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = (await runner.status()).map((s) => s.state as string);
    if (states.every((state) => state === expected) || Date.now() > deadline) return states;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ProjectionRunner over the postgres event store', () => {
  let db: TestDatabase;
  let store: EventStore;
  let ds: DataSource;
  const runners: ProjectionRunner[] = [];
  const extraDataSources: DataSource[] = [];
  const extraDbs: TestDatabase[] = [];

  const append = async (fact: { streamId: string; event: Parameters<EventStore['append']>[1][number] }) =>
    (await store.append(fact.streamId, [fact.event], 'any')).position;
  const runner = (dataSource: DataSource, list = projections(), options = fast) => {
    const r = new ProjectionRunner(dataSource, store, list, options);
    runners.push(r);
    return r;
  };
  const openDataSource = async (url: string) => {
    const extra = createReadModelDataSource(url, { poolSize: 4 });
    await runReadModelMigrations(extra);
    extraDataSources.push(extra);
    return extra;
  };

  beforeAll(async () => {
    db = await createTestDatabase('rm_runner');
    store = new PostgresEventStore(db.url, { pollIntervalMs: 100 });
    await migratePostgresEventStore((store as PostgresEventStore).pool);
    ds = createReadModelDataSource(db.url, { poolSize: 6 });
    await runReadModelMigrations(ds);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    for (const extra of extraDataSources) await extra.destroy();
    await ds?.destroy();
    await store?.close();
    for (const extra of extraDbs) await extra.drop();
    await db?.drop();
  });

  it('catches up, then a restarted runner resumes from its checkpoint without double counting', async () => {
    await append(facts.electionDefined(smallElection(E)));
    await append(facts.tallySubmitted(E, BD1, BD1_COUNTS));
    await append(
      facts.tallySubmitted(
        E,
        BD2,
        counts(800, 700, 690, 10, { 'na-01-1': 400, 'na-01-2': 500, 'na-01-3': 200 }),
      ),
    );
    const third = await append(
      facts.tallySubmitted(
        E,
        DD1,
        counts(1200, 1100, 1080, 20, { 'na-01-1': 900, 'na-01-2': 300, 'na-01-3': 650 }),
      ),
    );

    const first = runner(ds);
    await first.start();
    expect(await first.waitForPosition(third, 15_000)).toBe(true);
    const city = await new ResultsQueries(ds).cityResults(E);
    expect(city!.position).toBe(third);
    expect(city!.contests[0]).toMatchObject({
      pollingAreasReported: 3,
      validBallots: 2650,
      invalidBallots: 50,
    });
    const status = await first.status();
    expect(status.map((s) => [s.name, s.version, s.position, s.headPosition, s.lag, s.state])).toEqual([
      ['results', RESULTS_VERSION, third, third, 0, 'active'],
      ['audit-trail', 2, third, third, 0, 'active'],
    ]);
    await first.stop();

    const corrected = counts(1000, 900, 870, 30, { 'na-01-1': 650, 'na-01-2': 500, 'na-01-3': 300 });
    await append(
      facts.tallyCorrected(E, BD1, corrected, BD1_COUNTS, 'Transcription error', ['validBallots']),
    );
    const last = await append(
      facts.tallySubmitted(
        E,
        place('ba-dinh-0001', 'ba-dinh', 'hdnd', 'hd-01'),
        counts(1000, 900, 880, 20, { 'hd-01-1': 600, 'hd-01-2': 280 }),
      ),
    );
    // Nobody is projecting: the wait must time out rather than pretend.
    expect(await first.waitForPosition(last, 300)).toBe(false);

    const second = runner(ds);
    await second.start();
    expect(await second.waitForPosition(last, 15_000)).toBe(true);
    const after = await new ResultsQueries(ds).cityResults(E);
    expect(after!.contests[0]).toMatchObject({
      pollingAreasReported: 3,
      validBallots: 2640,
      invalidBallots: 60,
    });
    expect(after!.contests[1]).toMatchObject({ pollingAreasReported: 1, validBallots: 880 });
    const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM rm_audit_entries');
    expect(count).toBe(last + 1);
  });

  it('keeps one active runner per projection; a standby takes over when the active one stops', async () => {
    const otherDs = await openDataSource(db.url);
    const a = runner(ds);
    await a.start();
    const head = await store.headPosition();
    expect(await a.waitForPosition(head, 15_000)).toBe(true);
    // The checkpoints may already be at the head: a leads once it holds both locks, which takes a moment when busy.
    // Started before that, b could win a lock first (CI saw it), which is allowed but not what this case is about.
    expect(await settledStates(a, 'active')).toEqual(['active', 'active']);
    const b = runner(otherDs);
    await b.start();
    expect(await settledStates(b, 'standby')).toEqual(['standby', 'standby']);
    expect((await a.status()).map((s) => s.state)).toEqual(['active', 'active']);

    await a.stop();
    const next = await append(
      facts.tallySubmitted(
        E,
        place('ba-dinh-0002', 'ba-dinh', 'hdnd', 'hd-01'),
        counts(800, 700, 690, 10, { 'hd-01-1': 400, 'hd-01-2': 290 }),
      ),
    );
    expect(await b.waitForPosition(next, 15_000)).toBe(true);
    expect((await b.status()).map((s) => s.state)).toEqual(['active', 'active']);
  });

  it('elects exactly one active runner per projection when several start at once', async () => {
    const others = await Promise.all([openDataSource(db.url), openDataSource(db.url)]);
    const racing = [runner(ds), runner(others[0]), runner(others[1])];
    await Promise.all(racing.map((r) => r.start()));
    const settled = async (): Promise<string[][]> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const states = await Promise.all(racing.map(async (r) => (await r.status()).map((s) => s.state)));
        const decided = states.every((list) => list.every((s) => s === 'active' || s === 'standby'));
        if (decided || Date.now() > deadline) return states;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const states = await settled();
    // Per projection (column): one runner active, the others standby, whichever won.
    for (const column of [0, 1]) {
      expect(states.map((list) => list[column]).sort()).toEqual(['active', 'standby', 'standby']);
    }
  });

  it('respects a checkpoint moved under an active runner (a shadow swap): it skips what that covers, no failure', async () => {
    const errors: string[] = [];
    const logger: ProjectionLogger = { ...quiet, error: (m) => errors.push(m) };
    const active = runner(ds, [new AuditTrailProjection(quiet)], { ...fast, logger });
    await active.start();
    const head = await store.headPosition();
    expect(await active.waitForPosition(head, 15_000)).toBe(true);
    // As a swap that already applied the next event would leave it: the checkpoint one ahead of the runner.
    await ds.query(`UPDATE projection_checkpoints SET position = $1 WHERE name = 'audit-trail'`, [head + 1]);
    const skipped = await append(facts.tallySubmitted(E, place('dong-da-0002', 'dong-da'), BD1_COUNTS));
    const applied = await append(facts.tallySubmitted(E, place('dong-da-0003', 'dong-da'), BD1_COUNTS));
    expect(skipped).toBe(head + 1);
    expect(await active.waitForPosition(applied, 15_000)).toBe(true);
    const rows: Array<{ position: string }> = await ds.query(
      'SELECT position FROM rm_audit_entries WHERE position > $1 ORDER BY position',
      [head],
    );
    expect(rows.map((r) => Number(r.position))).toEqual([applied]);
    expect((await active.status()).map((s) => [s.state, s.position])).toEqual([['active', applied]]);
    expect(errors).toEqual([]);
    // The skipped event's row was never written: empty the audit trail so that later cases replay it whole.
    await active.stop();
    const tables = new AuditTrailProjection(quiet).tables.map((t) => `"${t}"`).join(', ');
    await ds.query(`TRUNCATE ${tables}`);
    await ds.query(`DELETE FROM projection_checkpoints WHERE name = 'audit-trail'`);
  });

  it('lingers after a short batch: events arriving meanwhile are applied in one transaction', async () => {
    const batches: Array<{ events: number; last: number }> = [];
    const observer = {
      batchApplied: (_: string, events: number, _s: number, last: StoredEvent) =>
        batches.push({ events, last: last.position }),
      failed: () => undefined,
    };
    // Long enough for five appends one after another on a busy machine (each commits with fsync).
    const lingering = runner(ds, [new AuditTrailProjection(quiet)], {
      ...fast,
      batchSize: 500,
      lingerMs: 4_000,
      observer,
    });
    await lingering.start();
    const first = await append(facts.tallySubmitted(E, place('dong-da-0004', 'dong-da'), BD1_COUNTS));
    expect(await lingering.waitForPosition(first, 15_000)).toBe(true);
    let last = first;
    for (let i = 5; i < 10; i++)
      last = await append(facts.tallySubmitted(E, place(`dong-da-000${i}`, 'dong-da'), BD1_COUNTS));
    expect(await lingering.waitForPosition(last, 15_000)).toBe(true);
    // The batches after `first`'s (its own may be reported after the checkpoint shows): one, of all five.
    expect(batches.filter((b) => b.last > first).map((b) => b.events)).toEqual([5]);
  });

  it('rebuilds from the start on a version bump, to the same rows', async () => {
    const live = runner(ds);
    await live.start();
    const head = await store.headPosition();
    expect(await live.waitForPosition(head, 15_000)).toBe(true);
    await live.stop();
    const before = await dumpReadModels(ds);
    // Damage that only a truncate-and-replay repairs.
    await ds.query('UPDATE rm_district_results SET valid_ballots = -1');

    const bumped = runner(ds, [new ResultsProjectionV2(quiet), new AuditTrailProjection(quiet)]);
    await bumped.start();
    expect(await bumped.waitForPosition(head, 15_000)).toBe(true);
    expect(await dumpReadModels(ds)).toEqual(before);
    const [checkpoint] = await ds.query(
      `SELECT version, position FROM projection_checkpoints WHERE name = 'results'`,
    );
    expect(checkpoint).toEqual({ version: RESULTS_VERSION + 1, position: String(head) });
  });

  it('an older version never rebuilds over the rows of a newer one (rolling deploy): it stands by', async () => {
    const head = await store.headPosition();
    const before = await dumpReadModels(ds);
    const warnings: string[] = [];
    const old = runner(ds, projections(), { ...fast, logger: { ...quiet, warn: (m) => warnings.push(m) } });
    await old.start();
    const deadline = Date.now() + 15_000;
    while (warnings.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(warnings.join('\n')).toContain(`belong to version ${RESULTS_VERSION + 1}`);
    const results = await waitForStatus(old, (s) => s.name === 'results' && s.state === 'standby');
    expect(results.state).toBe('standby');
    // The newer version's rows still answer read-your-writes for the older code.
    expect(await old.waitForPosition(head, 1000)).toBe(true);
    await old.stop();
    expect(await dumpReadModels(ds)).toEqual(before);
    const [checkpoint] = await ds.query(`SELECT version FROM projection_checkpoints WHERE name = 'results'`);
    expect(checkpoint).toEqual({ version: RESULTS_VERSION + 1 });
  });

  it('reports a projection whose batch keeps failing as failing, with the error, and recovers once it applies', async () => {
    const errors: string[] = [];
    const collecting: ProjectionLogger = { ...quiet, error: (m) => errors.push(m) };
    const flaky = new FlakyProjection();
    const r = runner(ds, [flaky], { ...fast, errorRetryMs: 50, logger: collecting });
    await r.start();
    const before = await store.headPosition();
    expect(await r.waitForPosition(before, 15_000)).toBe(true);
    expect((await r.status())[0]).toMatchObject({ state: 'active', lastError: null, failingSince: null });

    const startedAt = Date.now();
    const poisoned = facts.tallySubmitted(
      E,
      place('dong-da-0001', 'dong-da', 'hdnd', 'hd-02'),
      counts(1200, 1100, 1080, 20, { 'hd-02-1': 600, 'hd-02-2': 480 }),
    );
    flaky.poisonStream = poisoned.streamId;
    const poisonPosition = await append(poisoned);
    const failing = await waitForStatus(r, (s) => s.state === 'failing' && flaky.attempts >= 3);
    expect(failing).toMatchObject({
      name: 'flaky',
      state: 'failing',
      lastError: 'value "2150000000" is out of range for type integer',
      position: before,
      lag: poisonPosition - before,
    });
    // The message only: no stack in a status that /health shows.
    expect(failing.lastError).not.toContain('\n');
    const since = Date.parse(failing.failingSince!);
    expect(new Date(since).toISOString()).toBe(failing.failingSince);
    expect(since).toBeGreaterThanOrEqual(startedAt - 5);
    expect(since).toBeLessThanOrEqual(Date.now());
    // Still retrying, and the failure keeps the time it began.
    const attempts = flaky.attempts;
    const later = await waitForStatus(r, () => flaky.attempts > attempts);
    expect(later).toMatchObject({ state: 'failing', failingSince: failing.failingSince });
    expect(errors.length).toBeGreaterThanOrEqual(3);

    flaky.broken = false;
    expect(await r.waitForPosition(poisonPosition, 15_000)).toBe(true);
    const recovered = await waitForStatus(r, (s) => s.state !== 'failing');
    expect(recovered).toMatchObject({
      state: 'active',
      lastError: null,
      failingSince: null,
      position: poisonPosition,
      lag: 0,
    });
  });

  it('replays into a fresh database to the same rows as the live ones', async () => {
    const head = await store.headPosition();
    const live = runner(ds, [new ResultsProjectionV2(quiet), new AuditTrailProjection(quiet)]);
    await live.start();
    expect(await live.waitForPosition(head, 15_000)).toBe(true);
    const liveRows = await dumpReadModels(ds);

    const fresh = await createTestDatabase('rm_replay');
    extraDbs.push(fresh);
    const freshDs = await openDataSource(fresh.url);
    const replay = runner(freshDs, projections(), { ...fast, batchSize: 500 });
    await replay.start();
    expect(await replay.waitForPosition(head, 15_000)).toBe(true);
    expect(await dumpReadModels(freshDs)).toEqual(liveRows);
  });
});

describe('ProjectionRunner throughput (printed, not asserted)', () => {
  it('catches up on a backlog of tally sheets', async () => {
    const db = await createTestDatabase('rm_bench');
    const store = new PostgresEventStore(db.url, { pollIntervalMs: 100, poolSize: 16 });
    await migratePostgresEventStore(store.pool);
    const ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
    try {
      const districts = 20;
      const areas = 150;
      const election = generatedElection('bench', districts, areas);
      await store.append(
        facts.electionDefined(election).streamId,
        [facts.electionDefined(election).event],
        'no_stream',
      );
      const sheets = election.pollingAreas.map((a) =>
        facts.tallySubmitted(
          'bench',
          place(a.pollingAreaId, a.districtId, 'na', `na-${a.districtId}`),
          counts(1000, 800, 780, 20, { [`na-${a.districtId}-1`]: 500, [`na-${a.districtId}-2`]: 280 }),
        ),
      );
      for (let i = 0; i < sheets.length; i += 32) {
        await Promise.all(
          sheets.slice(i, i + 32).map((s) => store.append(s.streamId, [s.event], 'no_stream')),
        );
      }
      const head = await store.headPosition();

      const runner = new ProjectionRunner(ds, store, projections(), { logger: quiet });
      const started = Date.now();
      await runner.start();
      expect(await runner.waitForPosition(head, 120_000)).toBe(true);
      const seconds = (Date.now() - started) / 1000;
      await runner.stop();
      console.log(
        `read-models: results + audit-trail projected ${head + 1} events in ${seconds.toFixed(2)} s ` +
          `(${Math.round((head + 1) / seconds)} events/s, batch 500)`,
      );
      const city = await new ResultsQueries(ds).cityResults('bench');
      expect(city!.contests[0]).toMatchObject({
        pollingAreasReported: districts * areas,
        validBallots: districts * areas * 780,
        complete: true,
      });
    } finally {
      await ds.destroy();
      await store.close();
      await db.drop();
    }
  });
});
