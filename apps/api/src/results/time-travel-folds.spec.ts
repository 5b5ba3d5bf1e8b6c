import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import { ResultsTimeTravel, TimeTravelView } from '@tally/read-models';
import { seedLog } from '../../../../libs/read-models/src/testing/batching-property';
import { electionNightLog } from '../../../../libs/read-models/src/testing/night-log';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { FoldAsk, MainThreadFolds, WorkerFolds } from './time-travel-folds';

// The worker thread folds the same events with the same code as the api's own thread: its answers are the main
// thread's, exactly, for every view; and a worker that stops fails its requests instead of leaving them hanging.
describe('WorkerFolds', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let electionId: string;
  let districtId: string;
  let contestId: string;
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    db = await createTestDatabase('time_travel_worker');
    store = new PostgresEventStore(db.url, { poolSize: 2, groupCommit: false });
    await migratePostgresEventStore(store.pool);
    const log = electionNightLog({ seed: 21, events: 1_500 });
    await seedLog(store, log);
    // night-a: the first election of the night, defined at position 0.
    const { definition } = log[0].data as {
      definition: {
        electionId: string;
        districts: Array<{ districtId: string }>;
        contests: Array<{ contestId: string }>;
      };
    };
    electionId = definition.electionId;
    districtId = definition.districts[definition.districts.length - 1].districtId;
    contestId = definition.contests[0].contestId;
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const workerOn = (kept: number, onStop?: (reason: string) => void) =>
    new WorkerFolds({ store: { kind: 'postgres', databaseUrl: db.url, poolSize: 1 }, kept }, onStop);

  it("answers every view at every position as the main thread's fold does", async () => {
    const main = new MainThreadFolds(new ResultsTimeTravel(store, silent, 200, undefined, 0));
    const worker = workerOn(2);
    try {
      const views: TimeTravelView[] = [
        { kind: 'city' },
        { kind: 'city', contestId },
        { kind: 'districts' },
        { kind: 'district', districtId },
        { kind: 'district', districtId: 'no-such-district' },
      ];
      for (const position of [0, 1, 400, 999, 1_499]) {
        for (const view of views) {
          const ask: FoldAsk = { electionId, position, view };
          expect([position, view, await worker.fold(ask)]).toEqual([position, view, await main.fold(ask)]);
        }
      }
      const before: FoldAsk = { electionId: 'not-defined-here', position: 10, view: { kind: 'city' } };
      expect(await worker.fold(before)).toEqual({ defined: false });
      const answers = await Promise.all(
        [400, 401, 400].map((p) => worker.fold({ electionId, position: p, view: { kind: 'districts' } })),
      );
      expect(answers[2]).toEqual(answers[0]);
    } finally {
      await worker.close();
    }
  });

  it('answers from a kept fold at once, and says when none is kept', async () => {
    const worker = workerOn(1);
    try {
      const ask: FoldAsk = { electionId, position: 700, view: { kind: 'city' } };
      expect(await worker.kept(ask)).toBeUndefined();
      const folded = await worker.fold(ask);
      expect(await worker.kept(ask)).toEqual(folded);
      expect(await worker.kept({ ...ask, view: { kind: 'districts' } })).toEqual(
        await worker.fold({ ...ask, view: { kind: 'districts' } }),
      );
      expect(await worker.kept({ ...ask, position: 701 })).toBeUndefined();
    } finally {
      await worker.close();
    }
    const none = workerOn(0);
    try {
      const ask: FoldAsk = { electionId, position: 700, view: { kind: 'city' } };
      await none.fold(ask);
      expect(await none.kept(ask)).toBeUndefined();
    } finally {
      await none.close();
    }
  });

  it('fails the requests of a worker that stops, says why, and starts another for the next', async () => {
    const stops: string[] = [];
    // A KurrentDB target without a connection string: the worker stops as it starts.
    const broken = new WorkerFolds({ store: { kind: 'kurrentdb', databaseUrl: db.url }, kept: 0 }, (reason) =>
      stops.push(reason),
    );
    const ask: FoldAsk = { electionId, position: 10, view: { kind: 'city' } };
    await expect(broken.fold(ask)).rejects.toThrow(/The time-travel worker stopped \(.*connection string/);
    await expect(broken.kept(ask)).rejects.toThrow(/The time-travel worker stopped/);
    expect(stops).toHaveLength(2);
    await broken.close();
  });

  it('a store error fails the request, and the worker goes on answering', async () => {
    const worker = workerOn(0);
    try {
      const { rows } = await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
      await store.pool.query('ALTER TABLE es_events RENAME TO es_events_away');
      try {
        await expect(worker.fold({ electionId, position: 5, view: { kind: 'city' } })).rejects.toThrow(
          /Time-travel fold failed: .*es_events/,
        );
      } finally {
        await store.pool.query('ALTER TABLE es_events_away RENAME TO es_events');
      }
      expect(rows[0].n).toBe(1_500);
      const answer = await worker.fold({ electionId, position: 5, view: { kind: 'districts' } });
      expect(answer.defined).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('after close, requests are refused', async () => {
    const worker = workerOn(0);
    await worker.fold({ electionId, position: 3, view: { kind: 'city' } });
    await worker.close();
    await expect(worker.fold({ electionId, position: 3, view: { kind: 'city' } })).rejects.toThrow(/closed/);
  });
});
