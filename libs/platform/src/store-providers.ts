import { Provider } from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { createReadModelDataSource, ProjectionRunner, ReadRouter } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { AppConfig } from './config';
import { createProjectionRunner, openEventStore, openReadModels } from './stores';

/** The Nest providers both processes need: the event store, the read-model DataSource and the projection runner. */
export function storeProviders(config: AppConfig, databaseUrl: string): Provider[] {
  return [
    { provide: EventStore, useFactory: () => openEventStore(config, databaseUrl) },
    { provide: DataSource, useFactory: () => openReadModels(databaseUrl) },
    {
      provide: ProjectionRunner,
      inject: [DataSource, EventStore],
      useFactory: (dataSource: DataSource, eventStore: EventStore) =>
        createProjectionRunner(dataSource, eventStore),
    },
    {
      // The replica is read-only: it gets no migrations (the primary's arrive by replication).
      provide: ReadRouter,
      inject: [DataSource],
      useFactory: async (dataSource: DataSource) =>
        new ReadRouter(
          dataSource,
          config.DATABASE_READ_URL
            ? await createReadModelDataSource(config.DATABASE_READ_URL, {
                applicationName: 'tally-ledger-read-replica',
              }).initialize()
            : undefined,
        ),
    },
  ];
}

/** Closes what storeProviders opened, runner first so no batch is cut off mid-transaction. */
export async function closeStores(
  runner: ProjectionRunner,
  eventStore: EventStore,
  dataSource: DataSource,
  router?: ReadRouter,
) {
  await runner.stop();
  await eventStore.close();
  if (router?.replica?.isInitialized) await router.replica.destroy();
  if (dataSource.isInitialized) await dataSource.destroy();
}
