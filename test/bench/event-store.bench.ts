import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { Pool, types } from 'pg';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  migratePostgresEventStore,
  PostgresEventStore,
  type EventToAppend,
} from '../../libs/event-store/src';

/**
 * Appends per writer count. Each append is one event to a stream of its own, as one tally sheet is. Enough for a
 * stable rate at every writer count, small enough to keep `npm run bench` short (a few seconds per subject).
 */
const SCENARIOS: ReadonlyArray<readonly [writers: number, appends: number]> = [
  [1, 600],
  [8, 2_000],
  [32, 4_000],
];
const READ_PAGE = 1_000;
/** Untimed appends per subject first (32 writers), so none pays for opening its connections. */
const WARM_UP_APPENDS = 200;
const POOL_SIZE = 40;

interface Subject {
  label: string;
  key: string;
  append(sheet: number): Promise<void>;
}

/**
 * Appends/s, side by side on the same server in one run, of:
 * - raw: one autocommit INSERT of the same row into a table shaped like es_events (same columns, keys and
 *   indexes), with no lock and no checks: the price of committing one row, the floor for any store;
 * - store: this PostgresEventStore (group commit, es_append);
 * - emmett: Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql), appendToStream with
 *   STREAM_DOES_NOT_EXIST, on a pool of the same size. Its global order can skip events under contention (it
 *   orders by a sequence and a transaction id), ours is gapless and commit-ordered: faster alone is not the same
 *   guarantee.
 * Then readAll and subscription catch-up of this store over what it wrote. Writes into the given database (fresh
 * tables and stream prefixes) and leaves the rows there.
 */
export async function benchEventStore(
  databaseUrl: string,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const prefix = `bench-${randomUUID().slice(0, 8)}-`;
  const store = new PostgresEventStore(databaseUrl, { poolSize: POOL_SIZE });
  const rawPool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  const emmettPool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  // A client that is still closing when the server stops reports it on the pool; unhandled, it would crash the run.
  for (const pool of [rawPool, emmettPool]) pool.on('error', () => undefined);
  // Emmett's driver sets node-postgres' json parsers process-wide (to plain JSON.parse); put ours back after.
  const jsonParsers = [types.getTypeParser(114), types.getTypeParser(3802)] as const;
  const emmett = getPostgreSQLEventStore(databaseUrl, { connectionOptions: { pool: emmettPool } });
  const results: Record<string, number> = {};
  const record = (key: string, value: number, text: string): void => {
    results[key] = Math.round(value);
    log(text);
  };
  try {
    await migratePostgresEventStore(store.pool);
    await emmett.schema.migrate();
    await rawPool.query(RAW_TABLE_SQL);
    const before = await store.headPosition();

    const subjects: Subject[] = [
      {
        label: 'raw INSERTs',
        key: 'Raw',
        append: async (sheet) => {
          const event = sheetEvent(sheet);
          await rawPool.query({
            name: 'bench_raw_insert',
            text: RAW_INSERT_SQL,
            values: [event.eventId, `${prefix}raw-${sheet}`, event.type, event.data, event.metadata],
          });
        },
      },
      {
        label: 'this store',
        key: 'Store',
        append: async (sheet) => {
          await store.append(`${prefix}sheet-${sheet}`, [sheetEvent(sheet)], 'no_stream');
        },
      },
      {
        label: 'Emmett 0.42',
        key: 'Emmett',
        append: async (sheet) => {
          const { type, data, metadata } = sheetEvent(sheet);
          await emmett.appendToStream(`tally-${prefix}emmett-${sheet}`, [{ type, data, metadata }], {
            expectedStreamVersion: STREAM_DOES_NOT_EXIST,
          });
        },
      },
    ];
    let sheet = 0;
    const next = (subject: Subject) => () => subject.append((sheet += 1));
    for (const subject of subjects) await concurrently(32, WARM_UP_APPENDS, next(subject));
    const storeAppendsBefore = store.groupCommitStats?.appends ?? 0;

    for (const [writers, appends] of SCENARIOS) {
      // Halves in the order A B C C B A: the server speeds up as it warms (WAL segments, caches) and the machine
      // is shared, so neither drift favours whichever subject runs later.
      const seconds = subjects.map(() => 0);
      const statsBefore = store.groupCommitStats;
      for (const index of [0, 1, 2, 2, 1, 0]) {
        seconds[index] += await timed(() => concurrently(writers, appends / 2, next(subjects[index]!)));
      }
      const statsAfter = store.groupCommitStats;
      const perBatch =
        statsBefore && statsAfter
          ? (statsAfter.appends - statsBefore.appends) / (statsAfter.batches - statsBefore.batches)
          : 1;
      const rates = seconds.map((s) => appends / s);
      const [raw, ours, theirs] = rates as [number, number, number];
      const writerLabel = `${writers} writer${writers === 1 ? '' : 's'}`;
      subjects.forEach(({ label, key }, index) => {
        const detail = key === 'Store' ? `, ${perBatch.toFixed(1)} appends per batch` : '';
        record(
          `appendsPerSecond${writers}${key}`,
          rates[index] as number,
          `${label}, ${writerLabel} (${appends} appends${detail}): ${fmt(rates[index] as number)} appends/s`,
        );
      });
      results[`ratioStoreToEmmett${writers}`] = Math.round((ours / theirs) * 100) / 100;
      results[`ratioStoreToRaw${writers}`] = Math.round((ours / raw) * 100) / 100;
      log(
        `${writerLabel}: store / Emmett ${(ours / theirs).toFixed(2)}×, store / raw ${(ours / raw).toFixed(2)}×`,
      );
    }
    const total = (store.groupCommitStats?.appends ?? 0) - storeAppendsBefore + WARM_UP_APPENDS;

    let read = 0;
    const readSeconds = await timed(async () => {
      let after = before;
      for (;;) {
        const page = await store.readAll({ after, maxCount: READ_PAGE, streamPrefixes: [prefix] });
        read += page.length;
        const last = page[page.length - 1];
        if (!last || page.length < READ_PAGE) break;
        after = last.position;
      }
    });
    record(
      'readAllEventsPerSecond',
      read / readSeconds,
      `this store, readAll of ${read} events in pages of ${READ_PAGE}: ${fmt(read / readSeconds)} events/s`,
    );

    let caughtUp = 0;
    const subscription = store.subscribeToAll({ after: before, streamPrefixes: [prefix] });
    const catchUpSeconds = await timed(async () => {
      while (caughtUp < total) {
        const batch = await subscription.nextBatch(READ_PAGE);
        if (batch.length === 0) break;
        caughtUp += batch.length;
      }
    });
    await subscription.close();
    record(
      'subscriptionCatchUpEventsPerSecond',
      caughtUp / catchUpSeconds,
      `this store, subscription catch-up of ${caughtUp} events: ${fmt(caughtUp / catchUpSeconds)} events/s`,
    );
    return results;
  } finally {
    await Promise.all([store.close(), rawPool.end(), emmett.close().then(() => emmettPool.end())]);
    types.setTypeParser(114, jsonParsers[0]);
    types.setTypeParser(3802, jsonParsers[1]);
  }
}

/** Appends/s of this store at `writers` concurrent writers, one event to a new stream each (after a warm-up). */
export async function storeAppendsPerSecond(
  databaseUrl: string,
  writers: number,
  appends: number,
): Promise<number> {
  const store = new PostgresEventStore(databaseUrl, { poolSize: POOL_SIZE });
  const prefix = `bench-${randomUUID().slice(0, 8)}-`;
  try {
    await migratePostgresEventStore(store.pool);
    let sheet = 0;
    const appendOne = (): Promise<unknown> =>
      store.append(`${prefix}sheet-${(sheet += 1)}`, [sheetEvent(sheet)], 'no_stream');
    await concurrently(writers, WARM_UP_APPENDS, appendOne);
    return appends / (await timed(() => concurrently(writers, appends, appendOne)));
  } finally {
    await store.close();
  }
}

const RAW_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS bench_raw_events (
    position    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    stream_id   text        NOT NULL,
    revision    bigint      NOT NULL,
    type        text        NOT NULL,
    data        jsonb       NOT NULL,
    metadata    jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, revision)
  )`;
const RAW_INSERT_SQL = `
  INSERT INTO bench_raw_events (event_id, stream_id, revision, type, data, metadata)
  VALUES ($1, $2, 0, $3, $4, $5)`;

function sheetEvent(sheet: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'TallySubmitted',
    data: {
      pollingAreaId: `pa-${sheet}`,
      contestId: 'na',
      votersOnList: 1_200,
      votersWhoVoted: 1_100,
      ballotsIssued: 1_100,
      ballotsReceived: 1_098,
      validBallots: 1_080,
      invalidBallots: 18,
      votes: { c1: 700, c2: 650, c3: 420, c4: 390, c5: 300 },
    },
    metadata: { actor: 'bench', correlationId: randomUUID(), schemaVersion: 1 },
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function concurrently(writers: number, total: number, work: () => Promise<unknown>): Promise<void> {
  let remaining = total;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (remaining > 0) {
        remaining -= 1;
        await work();
      }
    }),
  );
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1_000;
}
