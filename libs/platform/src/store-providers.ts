import { Provider } from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { ProjectionRunner } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { AppConfig } from './config';
import { createProjectionRunner, openEventStore, openReadModels } from './stores';

/**
 * The Nest providers both processes need: the event store, the read-model DataSource and the projection runner.
 * `decorate` wraps the opened event store (specs: one with KurrentDB-like positions on PostgreSQL).
 */
export function storeProviders(
  config: AppConfig,
  databaseUrl: string,
  decorate: (store: EventStore) => EventStore = (store) => store,
): Provider[] {
  return [
    { provide: EventStore, useFactory: async () => decorate(await openEventStore(config, databaseUrl)) },
    { provide: DataSource, useFactory: () => openReadModels(databaseUrl) },
    {
      provide: ProjectionRunner,
      inject: [DataSource, EventStore],
      useFactory: (dataSource: DataSource, eventStore: EventStore) =>
        createProjectionRunner(dataSource, eventStore),
    },
  ];
}

/** Closes what storeProviders opened, runner first so no batch is cut off mid-transaction. */
export async function closeStores(runner: ProjectionRunner, eventStore: EventStore, dataSource: DataSource) {
  await runner.stop();
  await eventStore.close();
  if (dataSource.isInitialized) await dataSource.destroy();
}
