import {
  EventStore,
  KurrentDbEventStore,
  migratePostgresEventStore,
  PostgresEventStore,
} from '@tally/event-store';
import {
  AuditDigestProjection,
  AuditTrailProjection,
  createReadModelDataSource,
  LiveTimelineProjection,
  Projection,
  ProjectionRunner,
  type ProjectionRunnerOptions,
  ResultsProjection,
  runReadModelMigrations,
  TimeIndexProjection,
  TurnoutProjection,
} from '@tally/read-models';
import { DataSource } from 'typeorm';
import { AppConfig } from './config';

/** The configured event store, its schema ready. */
export async function openEventStore(config: AppConfig, databaseUrl: string): Promise<EventStore> {
  if (config.EVENT_STORE === 'kurrentdb') {
    return new KurrentDbEventStore(config.KURRENTDB_CONNECTION_STRING!);
  }
  const store = new PostgresEventStore(databaseUrl);
  await migratePostgresEventStore(store.pool);
  return store;
}

/** Connections for queries and batches, besides the one each projection's runner holds for its advisory lock. */
const READ_MODEL_POOL = 10;

/** The read-model database, migrated. */
export async function openReadModels(databaseUrl: string): Promise<DataSource> {
  const poolSize = READ_MODEL_POOL + allProjections().length;
  const dataSource = await createReadModelDataSource(databaseUrl, { poolSize }).initialize();
  await runReadModelMigrations(dataSource);
  return dataSource;
}

/** Every projection the read side runs (the api in inline mode, or the projector). */
export function allProjections(): Projection[] {
  return [
    new ResultsProjection(),
    new AuditTrailProjection(),
    new AuditDigestProjection(),
    new TurnoutProjection(),
    new LiveTimelineProjection(),
    new TimeIndexProjection(),
  ];
}

export function createProjectionRunner(
  dataSource: DataSource,
  eventStore: EventStore,
  options: ProjectionRunnerOptions = {},
): ProjectionRunner {
  return new ProjectionRunner({ ...options, dataSource, eventStore, projections: allProjections() });
}
