import fc from 'fast-check';
import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import {
  createReadModelDataSource,
  ReadRouter,
  ResultsProjection,
  ResultsQueries,
  runReadModelMigrations,
  TurnoutProjection,
  TurnoutQueries,
} from '@tally/read-models';
import { seedLog } from '../../../../libs/read-models/src/testing/batching-property';
import { lockCheckpoint, saveCheckpoint } from '../../../../libs/read-models/src/runner/checkpoints';
import { electionNightLog, electionsDefinedIn } from '../../../../libs/read-models/src/testing/night-log';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { LiveFeed } from './live-feed';
import type { LiveView } from './live.contract';

const EVENTS = 1_200;
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Every unit of a view by `contestId|unitId`. */
function unitsOf(view: LiveView): Map<string, unknown> {
  return new Map(
    view.city.contests.flatMap((c) => c.units.map((u) => [`${c.contestId}|${u.unitId}`, u] as const)),
  );
}

describe('LiveFeed: a view built on the previous one', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let ds: DataSource;
  let feed: LiveFeed;

  beforeAll(async () => {
    db = await createTestDatabase('live_feed_views');
    store = new PostgresEventStore(db.url, { poolSize: 2, pollIntervalMs: 20, groupCommit: false });
    await migratePostgresEventStore(store.pool);
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
    feed = new LiveFeed(store, new ResultsQueries(ds), new TurnoutQueries(ds), new ReadRouter(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await store?.close();
    await db?.drop();
  });

  it('equals the view read whole, after every step of a night, and keeps the units its events do not name', async () => {
    let keptSomewhere = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0x7fffffff }),
        // Where the log is cut: the read models catch up to each cut, and each election's view is built on its last.
        // Then one event at a time through a window: a step that names a unit or two, a certification alone.
        fc.uniqueArray(fc.integer({ min: 1, max: EVENTS - 1 }), { minLength: 3, maxLength: 12 }),
        fc.integer({ min: 1, max: EVENTS - 61 }),
        async (seed, spread, window) => {
          const cuts = [...new Set([...spread, ...Array.from({ length: 60 }, (_, i) => window + i)])];
          const log = electionNightLog({ seed, events: EVENTS });
          // The projections' rules applied straight, one transaction per step, with their checkpoints.
          const projections = [new ResultsProjection(silent), new TurnoutProjection(silent)];
          await ds.query('TRUNCATE projection_checkpoints');
          for (const p of projections) await ds.query(`TRUNCATE ${p.tables.map((t) => `"${t}"`).join(', ')}`);
          const views = new Map<string, { position: number; view: LiveView }>();
          let done = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), EVENTS]) {
            await seedLog(store, log.slice(0, cut));
            const step = log.slice(done, cut);
            done = cut;
            await ds.transaction(async (manager) => {
              for (const projection of projections) {
                await projection.apply(step, manager);
                await lockCheckpoint(manager, projection.name, projection.version);
                await saveCheckpoint(manager, projection.name, projection.version, cut - 1);
              }
            });
            for (const electionId of electionsDefinedIn(log.slice(0, cut))) {
              const whole = await feed.view(electionId);
              const known = views.get(electionId);
              if (!whole) continue;
              if (!known) {
                views.set(electionId, { position: cut - 1, view: whole });
                continue;
              }
              const events = await feed.eventsBetween(electionId, known.position, cut - 1);
              const built = await feed.view(electionId, known.view, events);
              // Turnout is read again only when a report or an amendment is among the events; otherwise the view
              // keeps the one it had, with the position it was read at.
              const reread = events.some((e) => e.type === 'TurnoutReported' || e.type === 'ElectionAmended');
              if (!reread) expect(built!.turnout).toBe(known.view.turnout);
              expect({
                ...built!,
                turnout: { ...built!.turnout, position: whole.turnout.position },
              }).toEqual(whole);
              // Kept, not read again: a unit no event named is the very object of the view before.
              const before = unitsOf(known.view);
              for (const [key, unit] of unitsOf(built!)) if (before.get(key) === unit) keptSomewhere += 1;
              views.set(electionId, { position: cut - 1, view: built! });
            }
          }
        },
      ),
      { numRuns: 4 },
    );
    expect(keptSomewhere).toBeGreaterThan(0);
  });
});
