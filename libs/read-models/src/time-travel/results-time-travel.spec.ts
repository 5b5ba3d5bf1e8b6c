import fc from 'fast-check';
import { migratePostgresEventStore, PostgresEventStore, type StoredEvent } from '@tally/event-store';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import type { ProjectionLogger } from '../projection';
import { seedLog } from '../testing/batching-property';
import { electionNightLog, electionsDefinedIn } from '../testing/night-log';
import {
  cityOf,
  districtOf,
  districtsOf,
  type FoldedElection,
  foldResults,
  isElectionEvent,
  ResultsTimeTravel,
} from './results-time-travel';

const silent: ProjectionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Every row a fold holds, in a fixed order: what two folds of the same events must agree on. */
function rowsOf(folded: FoldedElection | null) {
  if (!folded) return null;
  const state = folded.state;
  const byKey = <T>(rows: T[], key: (row: T) => string) =>
    [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    election: state.electionRow(folded.electionId),
    districts: byKey(state.districtRows(folded.electionId), (d) => `${d.districtId}|${d.contestId}`),
    units: byKey(state.unitRows(folded.electionId), (u) => `${u.contestId}|${u.unitId}`),
    sheets: byKey(state.sheetRows(folded.electionId), (s) => `${s.pollingAreaId}|${s.contestId}`),
    city: cityOf(folded),
    districtsView: districtsOf(folded),
  };
}

/** The fold of `log` up to `position` from nothing, in memory: the reference. */
function coldFold(log: StoredEvent[], electionId: string, position: number) {
  const events = log.filter((e) => e.position <= position && isElectionEvent(electionId, e.streamId));
  return foldResults(electionId, position, events, silent);
}

const EVENTS = 1_500;

describe('ResultsTimeTravel keeping folds', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('time_travel_kept_folds');
    store = new PostgresEventStore(db.url, { poolSize: 2, pollIntervalMs: 50, groupCommit: false });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('answers every request as a fold from position 0 would, whatever was asked before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.integer({ min: 1, max: 3 }),
        // Requests in any order (forward steps, repeats, positions between and before the folds kept), most of them
        // for the first election, so that they land between earlier ones.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: EVENTS - 1 })), {
          minLength: 2,
          maxLength: 20,
        }),
        async (seed, keep, requests) => {
          const log = electionNightLog({ seed, events: EVENTS });
          await seedLog(store, log);
          const electionIds = electionsDefinedIn(log);
          const travel = new ResultsTimeTravel(store, silent, 200, undefined, keep);
          for (const [which, position] of requests) {
            const electionId = electionIds[which < 4 ? 0 : (which - 3) % electionIds.length];
            const folded = await travel.fold(electionId, position);
            expect(rowsOf(folded)).toEqual(rowsOf(coldFold(log, electionId, position)));
          }
        },
      ),
      { numRuns: 8, endOnFailure: true },
    );
  });

  it('goes on from the latest kept fold before the position, reading only the events after it', async () => {
    const log = electionNightLog({ seed: 7, events: 2_000 });
    await seedLog(store, log);
    const [electionId] = electionsDefinedIn(log);
    const reads: Array<{ after?: number; to?: number }> = [];
    const readAll = store.readAll.bind(store);
    const counted = Object.assign(Object.create(store) as PostgresEventStore, {
      readAll: (options: Parameters<PostgresEventStore['readAll']>[0]) => {
        reads.push({ after: options?.after, to: options?.to });
        return readAll(options);
      },
    });
    const travel = new ResultsTimeTravel(counted, silent, 5_000, undefined, 2);

    await travel.fold(electionId, 1_000);
    await travel.fold(electionId, 1_500);
    await travel.fold(electionId, 1_500);
    await travel.fold(electionId, 1_200);
    expect(reads).toEqual([
      { after: -1, to: 1_000 },
      { after: 1_000, to: 1_500 },
      // 1,500 again: kept, nothing read. 1,200: on from 1,000.
      { after: 1_000, to: 1_200 },
    ]);
    // Two kept, least recently used out: 1,000 (just used to reach 1,200) and 1,200; 1,500 went.
    await travel.fold(electionId, 1_600);
    expect(reads[reads.length - 1]).toEqual({ after: 1_200, to: 1_600 });
  });

  it('shares a fold under way: the same position asked again while it runs reads the store once', async () => {
    const log = electionNightLog({ seed: 11, events: 1_000 });
    await seedLog(store, log);
    const [electionId] = electionsDefinedIn(log);
    let reads = 0;
    const readAll = store.readAll.bind(store);
    const counted = Object.assign(Object.create(store) as PostgresEventStore, {
      readAll: (options: Parameters<PostgresEventStore['readAll']>[0]) => {
        reads += 1;
        return readAll(options);
      },
    });
    // Nothing kept: only the sharing of the running fold can spare the second read.
    const travel = new ResultsTimeTravel(counted, silent, 5_000, undefined, 0);
    const [first, second, other] = await Promise.all([
      travel.fold(electionId, 600),
      travel.fold(electionId, 600),
      travel.fold(electionId, 700),
    ]);
    expect(reads).toBe(2);
    expect(second).toBe(first);
    expect(rowsOf(first)).toEqual(rowsOf(coldFold(log, electionId, 600)));
    expect(rowsOf(other)).toEqual(rowsOf(coldFold(log, electionId, 700)));
    // Once done, nothing is shared any more: the same position folds again.
    await travel.fold(electionId, 600);
    expect(reads).toBe(3);
  });

  it('keeps a fold as it was after a later one went on from it', async () => {
    const log = electionNightLog({ seed: 7, events: 2_000 });
    await seedLog(store, log);
    const [electionId] = electionsDefinedIn(log);
    const travel = new ResultsTimeTravel(store, silent, 5_000, undefined, 2);
    await travel.fold(electionId, 1_000);
    await travel.fold(electionId, 1_500);
    const again = await travel.fold(electionId, 1_000);
    const between = await travel.fold(electionId, 1_200);
    expect(rowsOf(again)).toEqual(rowsOf(coldFold(log, electionId, 1_000)));
    expect(rowsOf(between)).toEqual(rowsOf(coldFold(log, electionId, 1_200)));
  });

  it('keeps nothing by default', async () => {
    const log = electionNightLog({ seed: 11, events: 600 });
    await seedLog(store, log);
    const [electionId] = electionsDefinedIn(log);
    const travel = new ResultsTimeTravel(store, silent);
    const first = await travel.fold(electionId, 500);
    const again = await travel.fold(electionId, 500);
    expect(again).not.toBe(first);
    expect(rowsOf(again)).toEqual(rowsOf(first));
  });
});

describe('districtOf', () => {
  it('answers one district from its own rows as the view of every district shows it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.integer({ min: 0, max: EVENTS - 1 }),
        (seed, position) => {
          const log = electionNightLog({ seed, events: EVENTS });
          for (const electionId of electionsDefinedIn(log)) {
            const folded = coldFold(log, electionId, position);
            if (!folded) continue;
            const { districts } = districtsOf(folded);
            // Every district the definition has (shown or not), and one it has not.
            for (const { districtId } of [...folded.definition.districts, { districtId: 'nowhere' }]) {
              const shown = districts.find((d) => d.districtId === districtId);
              expect(districtOf(folded, districtId)).toEqual(
                shown ? { electionId, position, ...shown } : null,
              );
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
