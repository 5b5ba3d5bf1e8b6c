import { Logger, Provider } from '@nestjs/common';
import { EventStore, PostgresEventStore } from '@tally/event-store';
import { createReadModelDataSource, ProjectionRunner, ReadRouter } from '@tally/read-models';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from './config';
import { Metrics } from './metrics';
import { createProjectionRunner, openEventStore, openReadModels } from './stores';

/**
 * The Nest providers both processes need: the metrics, the event store, the read-model DataSource and the
 * projection runner, each instrumented. `decorate` wraps the opened event store (specs: one with KurrentDB-like
 * positions on PostgreSQL).
 */
export function storeProviders(
  config: AppConfig,
  databaseUrl: string,
  decorate: (store: EventStore) => EventStore = (store) => store,
): Provider[] {
  return [
    { provide: Metrics, useFactory: () => new Metrics() },
    {
      provide: EventStore,
      inject: [Metrics],
      useFactory: async (metrics: Metrics) => {
        const opened = await openEventStore(config, databaseUrl);
        if (opened instanceof PostgresEventStore) {
          watchPool(metrics, 'event-store', opened.pool);
          opened.observeBatches((appends) => metrics.groupCommitBatch.observe(appends));
        }
        return metrics.instrument(decorate(opened));
      },
    },
    {
      provide: DataSource,
      inject: [Metrics],
      useFactory: async (metrics: Metrics) => {
        const dataSource = await openReadModels(databaseUrl);
        watchDataSource(metrics, 'read-models', dataSource);
        return dataSource;
      },
    },
    {
      provide: ProjectionRunner,
      inject: [DataSource, EventStore, Metrics],
      useFactory: (dataSource: DataSource, eventStore: EventStore, metrics: Metrics) => {
        const runner = createProjectionRunner(dataSource, eventStore, {
          observer: metrics.projectionObserver,
          lingerMs: config.PROJECTION_LINGER_MS,
          // Nest's Logger: the lines come out in the process's format (JSON or pretty) as context 'projections'.
          logger: new Logger('projections'),
        });
        metrics.watchProjections(runner);
        return runner;
      },
    },
    {
      // The replica is read-only: it gets no migrations (the primary's arrive by replication).
      provide: ReadRouter,
      inject: [DataSource, Metrics],
      useFactory: async (dataSource: DataSource, metrics: Metrics) => {
        if (!config.DATABASE_READ_URL) return new ReadRouter(dataSource);
        const replica = await createReadModelDataSource(config.DATABASE_READ_URL, {
          applicationName: 'tally-ledger-read-replica',
        }).initialize();
        watchDataSource(metrics, 'read-replica', replica);
        return new ReadRouter(dataSource, replica);
      },
    },
  ];
}

function watchDataSource(metrics: Metrics, name: string, dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (pool) watchPool(metrics, name, pool);
}

const pools = new WeakMap<Metrics, Map<string, Pool>>();

/** Connections of a pg pool: in use, idle, and requests waiting for one. */
function watchPool(metrics: Metrics, name: string, pool: Pool): void {
  let watched = pools.get(metrics);
  if (!watched) {
    const byName = new Map<string, Pool>();
    watched = byName;
    pools.set(metrics, byName);
    const read = (pick: (p: Pool) => number) => () =>
      [...byName].map(([pool, p]) => ({ labels: { pool }, value: pick(p) }));
    metrics.gauge(
      'tally_db_pool_connections',
      'Connections a pool holds',
      ['pool'],
      read((p) => p.totalCount),
    );
    metrics.gauge(
      'tally_db_pool_idle',
      'Idle connections of a pool',
      ['pool'],
      read((p) => p.idleCount),
    );
    metrics.gauge(
      'tally_db_pool_waiting',
      'Queries waiting for a connection',
      ['pool'],
      read((p) => p.waitingCount),
    );
  }
  watched.set(name, pool);
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
