import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  migratePostgresEventStore,
  PostgresEventStore,
  type EventToAppend,
} from '../../libs/event-store/src';

/**
 * Appends per scenario: enough for a stable rate, small enough to keep `npm run bench` short (appends are one
 * WAL flush each, about 10 ms on a slow disk, so 2,500 appends take about 25 s there).
 */
const SINGLE_WRITER_APPENDS = 500;
const CONCURRENT_APPENDS = 1_000;
const READ_PAGE = 1_000;

/**
 * Throughput of the postgres event store itself (no HTTP, no domain): each append is one event to a stream of its
 * own, as one tally sheet is. Writes under a fresh stream prefix in the given database and leaves the events there.
 */
export async function benchEventStore(
  databaseUrl: string,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const store = new PostgresEventStore(databaseUrl, { poolSize: 40 });
  const prefix = `bench-${randomUUID().slice(0, 8)}-`;
  const results: Record<string, number> = {};
  const record = (key: string, value: number, unit: string, detail: string): void => {
    results[key] = Math.round(value);
    log(`event store (postgres): ${detail}: ${Math.round(value).toLocaleString('en-US')} ${unit}`);
  };
  try {
    await migratePostgresEventStore(store.pool);
    const before = await store.headPosition();
    let sheet = 0;
    const appendOne = async (): Promise<void> => {
      sheet += 1;
      await store.append(`${prefix}sheet-${sheet}`, [sheetEvent(sheet)], 'no_stream');
    };

    const single = await timed(async () => {
      for (let i = 0; i < SINGLE_WRITER_APPENDS; i += 1) await appendOne();
    });
    record('appendsPerSecond1Writer', SINGLE_WRITER_APPENDS / single, 'appends/s', '1 writer');

    for (const writers of [8, 32]) {
      const seconds = await timed(() => concurrently(writers, CONCURRENT_APPENDS, appendOne));
      record(
        `appendsPerSecond${writers}Writers`,
        CONCURRENT_APPENDS / seconds,
        'appends/s',
        `${writers} writers`,
      );
    }

    const total = SINGLE_WRITER_APPENDS + 2 * CONCURRENT_APPENDS;
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
      'events/s',
      `readAll of ${read} events in pages of ${READ_PAGE}`,
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
      'events/s',
      `subscription catch-up of ${caughtUp} events`,
    );
    return results;
  } finally {
    await store.close();
  }
}

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

async function concurrently(writers: number, total: number, work: () => Promise<void>): Promise<void> {
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
