import fc from 'fast-check';
import {
  EventStore,
  type EventSubscription,
  migratePostgresEventStore,
  PostgresEventStore,
  type StoredEvent,
  type SubscribeOptions,
} from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import { isProjectedStream, Projection, ProjectionLogger } from '../projection';
import { ProjectionRunner } from '../projection-runner';
import { electionNightLog } from './night-log';
import { ForwardingEventStore } from './forwarding-store';

/**
 * One step of a batching plan: the next `size` events, or the batch just applied delivered again (to the runner,
 * which must skip it by its checkpoint, and straight to the projection, which must skip it by its own guards).
 */
export type BatchStep = { size: number } | { redeliver: true };

export interface BatchingPropertyOptions {
  /** fast-check runs (each a new log and `plansPerLog` batchings of it); default 4. */
  numRuns?: number;
  /** Events per log; default 2,400 to 3,000 (more than the largest batch). */
  minEvents?: number;
  maxEvents?: number;
  /** Random batchings compared with the one-batch replay of each log; default 2. */
  plansPerLog?: number;
  /** Pin fast-check's seed (to replay a reported failure). */
  seed?: number;
}

/** The largest batch a plan asks for, as with the runner's and the rebuild's configurable batch sizes. */
export const MAX_BATCH = 2_000;

/** Sizes from 1 to MAX_BATCH, small ones often (they are where boundaries fall), redeliveries now and then. */
export const batchStep: fc.Arbitrary<BatchStep> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }).map((size) => ({ size })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 300 }).map((size) => ({ size })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: MAX_BATCH }).map((size) => ({ size })) },
  { weight: 1, arbitrary: fc.constant({ redeliver: true as const }) },
);

/** A plan's steps; whatever is left after them arrives in batches of MAX_BATCH. */
export const batchPlan: fc.Arbitrary<BatchStep[]> = fc.array(batchStep, { minLength: 1, maxLength: 50 });

/**
 * Declares the spec every projection gets: for random election nights (./night-log.ts), applying the log through
 * the real ProjectionRunner in randomly chosen batchings (random splits, sizes 1..2,000, redelivery of an applied
 * batch) leaves exactly the rows of a replay in one batch, in every table the projection owns. Real PostgreSQL for
 * the events (the postgres adapter) and the rows; only the batch boundaries are chosen by the test.
 */
export function describeBatchingIndependence(
  makeProjection: (logger: ProjectionLogger) => Projection,
  options: BatchingPropertyOptions = {},
): void {
  const name = makeProjection(silentLogger).name;
  describe(`projection ${name}: rows independent of batching`, () => {
    let db: TestDatabase;
    let dataSource: DataSource;
    let store: PostgresEventStore;

    beforeAll(async () => {
      db = await createTestDatabase(`batching_${name.replace(/\W/g, '_')}`);
      dataSource = await createReadModelDataSource(db.url, { poolSize: 4 }).initialize();
      await runReadModelMigrations(dataSource);
      store = new PostgresEventStore(db.url, { poolSize: 4, pollIntervalMs: 50, groupCommit: false });
      await migratePostgresEventStore(store.pool);
    });
    afterAll(async () => {
      await store?.close();
      await dataSource?.destroy();
      await db?.drop();
    });

    it('gives the same rows for any batching and redelivery of the same events', async () => {
      const plansPerLog = options.plansPerLog ?? 2;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 0x7fffffff }),
          fc.integer({ min: options.minEvents ?? 2_400, max: options.maxEvents ?? 3_000 }),
          fc.array(batchPlan, { minLength: plansPerLog, maxLength: plansPerLog }),
          async (seed, events, plans) => {
            const log = electionNightLog({ seed, events });
            await seedLog(store, log);
            const reference = await replay(dataSource, store, makeProjection, log, []);
            // A table the night leaves empty would make its comparison vacuous: the log must reach every table.
            const empty = Object.keys(reference).filter((table) => reference[table].length === 0);
            if (empty.length > 0) throw new Error(`the night wrote no row into ${empty.join(', ')}`);
            for (const plan of plans) {
              const rows = await replay(dataSource, store, makeProjection, log, plan);
              const differences = compareRows(reference, rows);
              if (differences.length > 0) {
                throw new Error(
                  `rows differ from the one-batch replay (log seed ${seed}, ${events} events):\n${differences.join('\n')}`,
                );
              }
            }
          },
        ),
        { numRuns: options.numRuns ?? 4, endOnFailure: true, seed: options.seed },
      );
    });
  });
}

const silentLogger: ProjectionLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

type Rows = Record<string, string[]>;

/** Replaces the store's log with `log`, as the postgres adapter would have written it (positions 0..n-1). */
export async function seedLog(store: PostgresEventStore, log: StoredEvent[]): Promise<void> {
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('TRUNCATE es_events');
    await client.query(
      `INSERT INTO es_events (position, event_id, stream_id, revision, type, data, metadata, recorded_at)
       SELECT position, event_id, stream_id, revision, type, data, metadata, recorded_at
       FROM jsonb_to_recordset($1::jsonb) AS x(position bigint, event_id uuid, stream_id text, revision bigint,
                                               type text, data jsonb, metadata jsonb, recorded_at timestamptz)`,
      [
        JSON.stringify(
          log.map((e) => ({
            position: e.position,
            event_id: e.eventId,
            stream_id: e.streamId,
            revision: e.revision,
            type: e.type,
            data: e.data,
            metadata: e.metadata,
            recorded_at: e.recordedAt.toISOString(),
          })),
        ),
      ],
    );
    await client.query('UPDATE es_log_head SET last_position = $1', [log.length - 1]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Empties the projection's tables and checkpoint, runs a ProjectionRunner over the store until the checkpoint
 * reaches the log's last projected event, and returns every row of the projection's tables (sorted JSON).
 * An empty plan is the reference: the whole log in one batch.
 */
async function replay(
  dataSource: DataSource,
  store: EventStore,
  makeProjection: (logger: ProjectionLogger) => Projection,
  log: StoredEvent[],
  plan: BatchStep[],
): Promise<Rows> {
  const errors: string[] = [];
  const projection = makeProjection({ ...silentLogger, error: (m) => errors.push(m) });
  await dataSource.transaction(async (manager) => {
    if (projection.tables.length > 0) {
      await manager.query(`TRUNCATE ${projection.tables.map((t) => `"${t}"`).join(', ')}`);
    }
    await manager.query('DELETE FROM projection_checkpoints WHERE name = $1', [projection.name]);
  });
  const projected = log.filter((e) => isProjectedStream(e.streamId));
  const last = projected[projected.length - 1]?.position ?? -1;
  const steps = plan.length === 0 ? [{ size: projected.length }] : plan;
  const planned = new PlannedBatches(store, steps, last, (batch) =>
    dataSource.transaction((manager) => projection.apply(batch, manager)),
  );
  const runner = new ProjectionRunner({
    dataSource,
    eventStore: planned,
    projections: [projection],
    batchSize: Number.MAX_SAFE_INTEGER,
    errorRetryMs: 50,
    logger: { log: () => undefined, warn: () => undefined, error: (m) => errors.push(m) },
  });
  await runner.start();
  try {
    const deadline = Date.now() + 60_000;
    while ((await runner.projectedPosition()) < last) {
      if (errors.length > 0) throw new Error(`the projection failed: ${errors[0]}`);
      if (Date.now() > deadline) throw new Error(`the projection did not reach position ${last}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await runner.stop();
  }
  if (errors.length > 0) throw new Error(`the projection failed: ${errors[0]}`);
  const rows: Rows = {};
  for (const table of projection.tables) {
    const result: Array<{ row: string }> = await dataSource.query(
      `SELECT to_jsonb(t)::text AS row FROM "${table}" t`,
    );
    rows[table] = result.map((r) => r.row).sort();
  }
  return rows;
}

function compareRows(reference: Rows, actual: Rows): string[] {
  const lines: string[] = [];
  for (const table of Object.keys(reference)) {
    const counts = (rows: string[]) => rows.reduce((m, r) => m.set(r, (m.get(r) ?? 0) + 1), new Map());
    const minus = (a: string[], b: string[]) => {
      const left = counts(b);
      return a.filter((r) => {
        const n = left.get(r) ?? 0;
        if (n > 0) left.set(r, n - 1);
        return n === 0;
      });
    };
    const onlyReference = minus(reference[table], actual[table]);
    const onlyActual = minus(actual[table], reference[table]);
    if (onlyReference.length + onlyActual.length === 0) continue;
    lines.push(
      `${table}: ${onlyReference.length} row(s) only in the one-batch replay, ${onlyActual.length} only in this batching`,
      ...onlyReference.slice(0, 2).map((r) => `  one batch: ${r}`),
      ...onlyActual.slice(0, 2).map((r) => `  batched:   ${r}`),
    );
  }
  return lines;
}

/**
 * The real store, with subscriptions that hand out batches as the plan says: each step collects exactly `size`
 * events from the real subscription (or the rest of the log), or delivers the previous batch again.
 */
class PlannedBatches extends ForwardingEventStore {
  private step = 0;
  private previous: StoredEvent[] = [];

  constructor(
    inner: EventStore,
    private readonly plan: BatchStep[],
    private readonly lastPosition: number,
    private readonly redeliverToProjection: (batch: StoredEvent[]) => Promise<void>,
  ) {
    super(inner);
  }

  override subscribeToAll(options?: SubscribeOptions): EventSubscription {
    const inner = this.inner.subscribeToAll(options);
    let done = -1;
    const nextBatch = async (max: number): Promise<StoredEvent[]> => {
      const step = this.plan[this.step++] ?? { size: MAX_BATCH };
      if ('redeliver' in step) {
        if (this.previous.length > 0) {
          await this.redeliverToProjection(this.previous);
          return [...this.previous];
        }
        return nextBatch(max);
      }
      const size = Math.min(step.size, max);
      const batch: StoredEvent[] = [];
      while (batch.length < size && done < this.lastPosition) {
        const got = await inner.nextBatch(size - batch.length);
        if (got.length === 0) break;
        batch.push(...got);
        done = got[got.length - 1].position;
      }
      if (batch.length === 0) return inner.nextBatch(max);
      this.previous = batch;
      return batch;
    };
    return {
      nextBatch,
      close: () => inner.close(),
      [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
    };
  }

  /** The runner closes it; the spec closes the real store itself. */
  override close(): Promise<void> {
    return Promise.resolve();
  }
}
