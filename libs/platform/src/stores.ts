import {
  connectEventStore,
  EventStore,
  EventStoreTarget,
  migratePostgresEventStore,
  PostgresEventStore,
} from '@tally/event-store';
import {
  AuditDigestProjection,
  AuditTrailProjection,
  createReadModelDataSource,
  PollingAreaResultsProjection,
  LiveTimelineProjection,
  Projection,
  ProjectionRunner,
  type ProjectionRunnerOptions,
  ResultsProjection,
  runReadModelMigrations,
  TimeIndexProjection,
  TurnoutProjection,
} from '@tally/read-models';
import { PostgresScanStore, S3ScanStore, ScanStore } from '@tally/scan-store';
import { DataSource } from 'typeorm';
import { AppConfig } from './config';

/** Where the configured events are (EVENT_STORE). */
export function eventStoreTarget(config: AppConfig, databaseUrl: string): EventStoreTarget {
  return {
    kind: config.EVENT_STORE,
    databaseUrl,
    kurrentdbConnectionString: config.KURRENTDB_CONNECTION_STRING,
  };
}

/** The configured event store, its schema ready. */
export async function openEventStore(config: AppConfig, databaseUrl: string): Promise<EventStore> {
  const store = connectEventStore(eventStoreTarget(config, databaseUrl));
  if (store instanceof PostgresEventStore) await migratePostgresEventStore(store.pool);
  return store;
}

/** Connections for queries and batches, besides the one each projection's runner holds for its advisory lock. */
const READ_MODEL_POOL = 10;

/** The configured scan store (SCAN_STORE), its table or bucket ready. */
export async function openScanStore(config: AppConfig, databaseUrl: string): Promise<ScanStore> {
  const store =
    config.SCAN_STORE === 's3'
      ? new S3ScanStore({
          endpoint: config.S3_ENDPOINT,
          region: config.S3_REGION,
          bucket: config.S3_BUCKET,
          accessKeyId: config.S3_ACCESS_KEY_ID,
          secretAccessKey: config.S3_SECRET_ACCESS_KEY,
          forcePathStyle: config.S3_FORCE_PATH_STYLE === 'true',
        })
      : new PostgresScanStore(databaseUrl);
  await store.init();
  return store;
}

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
    new PollingAreaResultsProjection(),
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
