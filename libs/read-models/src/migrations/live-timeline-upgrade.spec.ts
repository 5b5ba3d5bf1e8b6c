import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import {
  createReadModelDataSource,
  READ_MODEL_MIGRATIONS_TABLE,
  runReadModelMigrations,
} from '../data-source';
import { READ_MODEL_ENTITIES } from '../entities/read-model.entities';
import type { ProjectionLogger } from '../projection';
import { ProjectionRunner } from '../projection-runner';
import { LiveTimelineProjection } from '../projections/live-timeline.projection';
import { TurnoutProjection } from '../projections/turnout.projection';
import { ShadowRebuild } from '../rebuild/shadow-rebuild';
import { seedLog } from '../testing/batching-property';
import { electionNightLog } from '../testing/night-log';
import { READ_MODEL_MIGRATIONS } from './read-model.migrations';
import { LiveTimelineProjection1764000000000 } from './1764000000000-live-timeline-projection.migration';

const quiet: ProjectionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A deployment that ran turnout v1 (timeline included) upgrades: the migration, turnout v2 and live-timeline v1. */
describe('upgrade from turnout v1', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('upgrade_timeline');
    store = new PostgresEventStore(db.url, { poolSize: 2, pollIntervalMs: 50 });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('rebuilds turnout and the timeline from the log; no row of v1 survives', async () => {
    const before = READ_MODEL_MIGRATIONS.indexOf(LiveTimelineProjection1764000000000);
    const old = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: READ_MODEL_ENTITIES,
      migrations: READ_MODEL_MIGRATIONS.slice(0, before),
      migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    });
    await runReadModelMigrations(old);
    // Rows as turnout v1 left them (a timeline point per batch, running sums in the election row).
    await old.query(`INSERT INTO rm_turnout_elections VALUES ('night-a', '[]', 1, 1, '{}', '{}', 1, 9)`);
    await old.query(
      `INSERT INTO rm_live_timeline VALUES ('night-a', '2021-05-22T00:00:00Z', 9, now(), 0.5, '{}')`,
    );
    await old.query(
      `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES ('turnout', 1, 9, now())`,
    );
    await old.destroy();

    const log = electionNightLog({ seed: 3, events: 800 });
    await seedLog(store, log);
    const ds = createReadModelDataSource(db.url, { poolSize: 6 });
    await runReadModelMigrations(ds);
    try {
      const projections = [new TurnoutProjection(quiet), new LiveTimelineProjection(quiet)];
      const runner = new ProjectionRunner({ dataSource: ds, eventStore: store, projections, logger: quiet });
      await runner.start();
      try {
        expect(await runner.waitForPosition(log[log.length - 1].position, 30_000)).toBe(true);
      } finally {
        await runner.stop();
      }
      expect(await ds.query(`SELECT name, version FROM projection_checkpoints ORDER BY name`)).toEqual([
        { name: 'live-timeline', version: 1 },
        { name: 'turnout', version: 2 },
      ]);
      for (const projection of projections) {
        const verified = await new ShadowRebuild(ds, store, projection).verify();
        expect([projection.name, verified.differences]).toEqual([projection.name, []]);
      }
      const [{ n }] = await ds.query(
        `SELECT count(*)::int AS n FROM rm_live_timeline WHERE bucket < '2021-05-23T00:00:00Z'`,
      );
      expect(n).toBe(0);
    } finally {
      await ds.destroy();
    }
  });
});
