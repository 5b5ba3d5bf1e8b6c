import { Logger, Provider } from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { ProjectionRunner } from '@tally/read-models';
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
        // Nest's Logger: the lines come out in the process's format (JSON or pretty) as context 'projections'.
        createProjectionRunner(dataSource, eventStore, new Logger('projections')),
    },
  ];
}

/** Closes what storeProviders opened, runner first so no batch is cut off mid-transaction. */
export async function closeStores(runner: ProjectionRunner, eventStore: EventStore, dataSource: DataSource) {
  await runner.stop();
  await eventStore.close();
  if (dataSource.isInitialized) await dataSource.destroy();
}
