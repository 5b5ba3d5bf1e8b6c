import { DataSource } from 'typeorm';
import { READ_MODEL_ENTITIES } from './entities/read-model.entities';
import { READ_MODEL_MIGRATIONS } from './migrations/read-model.migrations';

export interface ReadModelDataSourceOptions {
  /** Connection pool size; the runner keeps one connection per projection for its advisory lock. */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  logging?: boolean;
}

/** Own migrations table: the read models may share a database with the event table and other libraries. */
export const READ_MODEL_MIGRATIONS_TABLE = 'rm_migrations';

/** A DataSource over the read-model tables. Not initialised: call `initialize()` or `runReadModelMigrations`. */
export function createReadModelDataSource(url: string, options: ReadModelDataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: READ_MODEL_ENTITIES,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: options.logging ?? false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'tally-ledger-read-models',
    // Every row here is derived from the event store and each batch commits with its checkpoint, so a batch need
    // not wait for its WAL flush: a crash loses at most the last few batches whole (rows and checkpoint together),
    // and they are applied again from the checkpoint. The event store's own commits stay synchronous.
    extra: { options: '-c synchronous_commit=off' },
  });
}

// Any fixed 64-bit number unique to this purpose: it keeps an api and a projector from migrating at the same time.
const MIGRATION_LOCK_KEY = '7412093385117736001';

/** Initialises the DataSource if needed and applies pending migrations, one process at a time. */
export async function runReadModelMigrations(ds: DataSource): Promise<void> {
  if (!ds.isInitialized) await ds.initialize();
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await ds.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
