import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  migratePostgresEventStore,
  PostgresEventStore,
  type EventToAppend,
} from '../../libs/event-store/src';

/**
 * Appends per scenario (writers -> appends), run with group commit on (the default) and off. Enough for a stable
 * rate, small enough to keep `npm run bench` short: without group commit every append is one WAL flush, about
 * 10 ms on a slow disk, so the 1,400 appends of that mode take about 15 s there; with it the concurrent ones share
 * flushes and take a few seconds.
 */
const SCENARIOS: ReadonlyArray<readonly [writers: number, appends: number]> = [
  [1, 200],
  [8, 400],
  [32, 800],
];
const READ_PAGE = 1_000;
/** Untimed appends per mode first (32 writers), so neither mode pays for opening its connections. */
const WARM_UP_APPENDS = 64;

/**
 * Throughput of the postgres event store itself (no HTTP, no domain): each append is one event to a stream of its
 * own, as one tally sheet is. Writes under a fresh stream prefix in the given database and leaves the events there.
 */
export async function benchEventStore(
  databaseUrl: string,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const store = new PostgresEventStore(databaseUrl, { poolSize: 40 });
  const unbatched = new PostgresEventStore(databaseUrl, { poolSize: 40, groupCommit: false });
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
    let total = 0;
    const appendOne = (subject: PostgresEventStore) => async (): Promise<void> => {
      sheet += 1;
      total += 1;
      await subject.append(`${prefix}sheet-${sheet}`, [sheetEvent(sheet)], 'no_stream');
    };
    const modes = [
      { label: 'group commit', subject: store, key: '' },
      { label: 'no group commit', subject: unbatched, key: 'NoGroupCommit' },
    ] as const;
    for (const { subject } of modes) await concurrently(32, WARM_UP_APPENDS, appendOne(subject));

    for (const [writers, appends] of SCENARIOS) {
      // Halves in the order on, off, off, on: a fresh server speeds up as it recycles WAL segments and warms its
      // caches, and this keeps that drift from favouring whichever mode runs second.
      const seconds = [0, 0];
      const statsBefore = store.groupCommitStats;
      for (const mode of [0, 1, 1, 0] as const) {
        seconds[mode] += await timed(() =>
          concurrently(writers, appends / 2, appendOne(modes[mode].subject)),
        );
      }
      const statsAfter = store.groupCommitStats;
      const perBatch =
        statsBefore && statsAfter
          ? (statsAfter.appends - statsBefore.appends) / (statsAfter.batches - statsBefore.batches)
          : 1;
      modes.forEach(({ label, key }, mode) => {
        const batching = key === '' ? `, ${perBatch.toFixed(1)} appends/transaction` : '';
        record(
          `appendsPerSecond${writers}Writer${writers === 1 ? '' : 's'}${key}`,
          appends / (seconds[mode] as number),
          'appends/s',
          `${label}, ${writers} writer${writers === 1 ? '' : 's'} (${appends} appends${batching})`,
        );
      });
    }

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
    await Promise.all([store.close(), unbatched.close()]);
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
