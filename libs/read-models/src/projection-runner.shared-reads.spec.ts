import { randomUUID } from 'node:crypto';
import {
  EventStore,
  migratePostgresEventStore,
  PostgresEventStore,
  type StoredEvent,
} from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { GappedPositionsEventStore } from '../../event-store/src/testing/gapped-positions-event-store';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from './data-source';
import { PROJECTED_STREAM_PREFIXES, type Projection, type ProjectionLogger } from './projection';
import { ProjectionRunner, ProjectionRunnerOptions } from './projection-runner';
import { readCheckpoints } from './runner/checkpoints';
import { CountingStore } from './testing/counting-store';

const quiet: ProjectionLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const fast: ProjectionRunnerOptions = { batchSize: 7, standbyRetryMs: 100, errorRetryMs: 50, logger: quiet };

/**
 * Records the position of every event it applies, in order. `hold()` makes its next batch wait until `release()`
 * (a projection far behind, or a slow one); `poisonStream` makes a batch with an event of that stream throw until
 * `cured` (named before the event is appended: a worker may apply it before its append has returned).
 */
const recorders: RecordingProjection[] = [];

class RecordingProjection implements Projection {
  readonly tables: string[] = [];
  readonly applied: number[] = [];
  poisonStream = '';
  cured = false;
  failures = 0;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  /** Resolves once a batch is waiting at the gate. */
  holding: Promise<void> = Promise.resolve();
  private reached: (() => void) | null = null;

  constructor(
    readonly name: string,
    readonly version = 1,
  ) {
    recorders.push(this);
  }

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
    this.holding = new Promise((resolve) => (this.reached = resolve));
  }

  release(): void {
    this.gate = null;
    this.open?.();
  }

  async apply(events: StoredEvent[]): Promise<void> {
    if (this.gate) {
      this.reached?.();
      await this.gate;
    }
    if (!this.cured && events.some((e) => e.streamId === this.poisonStream)) {
      this.failures++;
      throw new Error('a batch that does not apply');
    }
    this.applied.push(...events.map((e) => e.position));
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const subjects: Array<[string, (store: EventStore) => EventStore]> = [
  ['postgres', (store) => store],
  ['KurrentDB-like gapped positions', (store) => new GappedPositionsEventStore(store)],
];

describe.each(subjects)(
  'ProjectionRunner: the workers of one runner share their reads (%s)',
  (_, decorate) => {
    let db: TestDatabase;
    let postgres: PostgresEventStore;
    /** The store as the test reads and writes it; the runner reads it through `store`, which counts. */
    let subject: EventStore;
    let store: CountingStore;
    let ds: DataSource;
    /** SQL reads of the log (the adapter's page query), as the projector's profile counts them. */
    let pageQueries = 0;
    const runners: ProjectionRunner[] = [];

    const start = async (projections: Projection[], options: ProjectionRunnerOptions = fast) => {
      const runner = new ProjectionRunner(ds, store, projections, options);
      runners.push(runner);
      await runner.start();
      return runner;
    };
    let sheet = 0;
    /** One event to a projected stream, or (`noise`) to a stream no projection reads. */
    /** The stream the next projected append writes to. */
    const nextStream = () => `tally-shared.area-${sheet}.na`;
    const append = async (noise = false): Promise<number> => {
      const streamId = noise ? `noise-${randomUUID()}` : `tally-shared.area-${sheet++}.na`;
      const event = { eventId: randomUUID(), type: 'TallySubmitted', data: { sheet }, metadata: {} };
      return (await subject.append(streamId, [event], 'any')).position;
    };
    /** The filtered log's positions after `after`, as one subscription would deliver them. */
    const projectedLog = async (after = -1): Promise<number[]> =>
      (await subject.readAll({ after, streamPrefixes: PROJECTED_STREAM_PREFIXES })).map((e) => e.position);
    const lastProjected = async (): Promise<number> => (await projectedLog()).pop() ?? -1;
    const checkpointOf = async (name: string): Promise<number> =>
      (await readCheckpoints(ds.manager, [name]))[0]?.position ?? -1;

    beforeAll(async () => {
      db = await createTestDatabase('rm_shared_reads');
      // No polling: every read of the log answers a notification, so reads can be counted.
      postgres = new PostgresEventStore(db.url, { pollIntervalMs: 60_000 });
      await migratePostgresEventStore(postgres.pool);
      const query = postgres.pool.query.bind(postgres.pool) as (...args: unknown[]) => Promise<unknown>;
      (postgres.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args) => {
        const text = typeof args[0] === 'string' ? args[0] : '';
        if (text.includes('FROM es_log_head h')) pageQueries++;
        return query(...args);
      };
      subject = decorate(postgres);
      store = new CountingStore(subject);
      ds = createReadModelDataSource(db.url, { poolSize: 8 });
      await runReadModelMigrations(ds);
      for (let i = 0; i < 30; i++) await append(i % 4 === 3);
    });

    afterEach(async () => {
      // A test that failed while a batch was held must not leave the runner unable to stop.
      for (const recorder of recorders.splice(0)) recorder.release();
      await Promise.all(runners.splice(0).map((r) => r.stop()));
    });

    afterAll(async () => {
      await ds?.destroy();
      await postgres?.close();
      await db?.drop();
    });

    it('two workers at the head get every event once each and in order while the log grows', async () => {
      const a = new RecordingProjection(`grow-a-${randomUUID()}`);
      const b = new RecordingProjection(`grow-b-${randomUUID()}`);
      const runner = await start([a, b]);
      expect(await runner.waitForPosition(await lastProjected(), 20_000)).toBe(true);
      // Bursts of concurrent appends, a few to streams no projection reads (the tail may be one of those).
      for (let burst = 0; burst < 8; burst++) {
        await Promise.all(Array.from({ length: 6 }, (__, i) => append(i === 5)));
        await new Promise((r) => setTimeout(r, burst * 5));
      }
      expect(await runner.waitForPosition(await lastProjected(), 20_000)).toBe(true);
      const log = await projectedLog();
      expect(a.applied).toEqual(log);
      expect(b.applied).toEqual(log);
    });

    it('three workers at the head cost one read of each new event, not three', async () => {
      const workers = [1, 2, 3].map((i) => new RecordingProjection(`count-${i}-${randomUUID()}`));
      const runner = await start(workers);
      expect(await runner.waitForPosition(await lastProjected(), 20_000)).toBe(true);
      const before = (await projectedLog()).length;
      store.reset();
      pageQueries = 0;
      const appended = 20;
      for (let i = 0; i < appended; i++) {
        // One at a time, each applied by all three before the next: no read can serve two appends.
        expect(await runner.waitForPosition(await append(), 20_000)).toBe(true);
      }
      const log = await projectedLog();
      for (const worker of workers) expect(worker.applied).toEqual(log);
      expect(log.length).toBe(before + appended);
      // Each new event left the store once (a reader of its own per worker: three times).
      expect({ eventsRead: store.eventsRead, subscriptions: store.subscriptions }).toEqual({
        eventsRead: appended,
        subscriptions: 0,
      });
      // About one page query per append (a notification may cost a second, empty one), not one per worker.
      expect(pageQueries).toBeLessThanOrEqual(2 * appended);
    });

    it('a worker rebuilding from START (version bump) gets the whole log while the live one is not delayed', async () => {
      const liveName = `live-${randomUUID()}`;
      const rebuiltName = `rebuilt-${randomUUID()}`;
      const first = await start([new RecordingProjection(liveName), new RecordingProjection(rebuiltName)]);
      expect(await first.waitForPosition(await lastProjected(), 20_000)).toBe(true);
      await first.stop();

      const live = new RecordingProjection(liveName);
      const rebuilt = new RecordingProjection(rebuiltName, 2);
      // The rebuild applies one batch, then its next batch waits: it stays far behind until released.
      let batches = 0;
      const applyRebuilt = rebuilt.apply.bind(rebuilt);
      rebuilt.apply = async (events) => {
        if (++batches === 2) rebuilt.hold();
        await applyRebuilt(events);
      };
      const liveFrom = await checkpointOf(liveName);
      const runner = await start([live, rebuilt]);
      await until(() => batches >= 2, 'the rebuild reached its second batch');
      const appended: number[] = [];
      for (let i = 0; i < 12; i++) appended.push(await append(i % 5 === 4));
      const last = await lastProjected();
      // The live worker applies the new events while the rebuild is held at its second batch.
      await until(async () => (await checkpointOf(liveName)) === last, 'the live worker applied them');
      expect(live.applied).toEqual(await projectedLog(liveFrom));
      expect(rebuilt.applied.length).toBe(fast.batchSize);
      expect(await checkpointOf(rebuiltName)).toBeLessThan(liveFrom);

      rebuilt.release();
      expect(await runner.waitForPosition(last, 20_000)).toBe(true);
      expect(rebuilt.applied).toEqual(await projectedLog());
      expect(live.applied).toEqual(await projectedLog(liveFrom));
    });

    it('a worker whose batch keeps failing does not stop the others, and resumes in order once it applies', async () => {
      const healthy = new RecordingProjection(`healthy-${randomUUID()}`);
      const flaky = new RecordingProjection(`flaky-${randomUUID()}`);
      const runner = await start([healthy, flaky]);
      expect(await runner.waitForPosition(await lastProjected(), 20_000)).toBe(true);
      const alreadyApplied = flaky.applied.length;

      flaky.poisonStream = nextStream();
      const poison = await append();
      await until(() => flaky.failures >= 2, 'the poisoned batch failed twice');
      const after: number[] = [];
      for (let i = 0; i < 10; i++) after.push(await append());
      await until(
        async () => (await checkpointOf(healthy.name)) === after[after.length - 1],
        'the healthy worker applied the events after the poisoned one',
      );
      const [, flakyStatus] = await runner.status();
      expect(flakyStatus).toMatchObject({ name: flaky.name, state: 'failing' });
      expect(await checkpointOf(flaky.name)).toBeLessThan(poison);
      expect(flaky.failures).toBeGreaterThanOrEqual(2);

      flaky.cured = true;
      expect(await runner.waitForPosition(after[after.length - 1], 20_000)).toBe(true);
      const log = await projectedLog();
      expect(healthy.applied).toEqual(log);
      expect(flaky.applied).toEqual(log);
      expect(flaky.applied.slice(alreadyApplied)).toEqual([poison, ...after]);
    });

    it('a worker slower than the shared window falls back to reading on its own, without holding the others', async () => {
      const options: ProjectionRunnerOptions = { ...fast, sharedWindow: 10 };
      const quick = new RecordingProjection(`quick-${randomUUID()}`);
      const slow = new RecordingProjection(`slow-${randomUUID()}`);
      const runner = await start([quick, slow], options);
      expect(await runner.waitForPosition(await lastProjected(), 20_000)).toBe(true);
      slow.hold();
      const first = await append();
      await slow.holding;
      store.reset();
      const appended = [first];
      for (let i = 0; i < 40; i++) {
        const position = await append();
        appended.push(position);
        // The quick worker keeps up (one at a time), so only the held one can fall out of the window.
        await until(async () => (await checkpointOf(quick.name)) === position, 'the quick worker applied it');
      }
      // The quick worker's reads were shared: the store handed out each of the events once so far.
      expect(store.eventsRead).toBe(appended.length - 1);
      expect(store.readAllCalls).toBe(0);

      slow.release();
      expect(await runner.waitForPosition(appended[appended.length - 1], 20_000)).toBe(true);
      const log = await projectedLog();
      expect(quick.applied).toEqual(log);
      expect(slow.applied).toEqual(log);
      // The events that left the window meanwhile came from pages the slow worker read on its own.
      expect(store.readAllCalls).toBeGreaterThan(0);
    });
  },
);
