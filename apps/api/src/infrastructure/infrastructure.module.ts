import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { closeStores, Metrics, openScanStore, resolveCheckpointKeys, storeProviders } from '@tally/platform';
import { AuditQueries, ProjectionRunner, ReadRouter, ResultsQueries } from '@tally/read-models';
import { ScanStore } from '@tally/scan-store';
import { DataSource } from 'typeorm';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReadRoutingInterceptor } from './read-routing.interceptor';
import { APP_CONFIG, APP_RUNTIME, AppRuntime, CHECKPOINT_KEYS } from './runtime';

/** Owns the connections: the event store, the read-model DataSource and (inline mode) the projection runner. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('infrastructure');

  constructor(
    @Inject(APP_RUNTIME) private readonly runtime: AppRuntime,
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly runner: ProjectionRunner,
    private readonly router: ReadRouter,
    private readonly scanStore: ScanStore,
    metrics: Metrics,
  ) {
    metrics.countSubmissionsFromZero();
  }

  static forRoot(runtime: AppRuntime): DynamicModule {
    // Read before Nest starts: in production a missing signing key is a ConfigError that stops the api at once.
    const checkpointKeys = resolveCheckpointKeys(runtime.config);
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: CHECKPOINT_KEYS, useValue: checkpointKeys },
        { provide: ScanStore, useFactory: () => openScanStore(runtime.config, runtime.databaseUrl) },
        ...storeProviders(runtime.config, runtime.databaseUrl, runtime.decorateEventStore),
        {
          provide: ResultsQueries,
          inject: [ReadRouter],
          useFactory: (r: ReadRouter) => new ResultsQueries(r),
        },
        { provide: AuditQueries, inject: [ReadRouter], useFactory: (r: ReadRouter) => new AuditQueries(r) },
        // Without a replica every read goes to the primary and a request's routing scope changes nothing. A global
        // interceptor is not free: Nest binds it to the request's async context (AsyncResource.bind, twice) and runs
        // the handler through rxjs; it cost about 0.2 ms of the api's 0.75 ms CPU per submission in
        // `npm run bench:api` (docs/benchmarks.md). So it is there only when there is a replica.
        ...(runtime.config.DATABASE_READ_URL
          ? [{ provide: APP_INTERCEPTOR, useClass: ReadRoutingInterceptor }]
          : []),
      ],
      exports: [
        Metrics,
        APP_RUNTIME,
        APP_CONFIG,
        CHECKPOINT_KEYS,
        ScanStore,
        EventStore,
        DataSource,
        ProjectionRunner,
        ReadRouter,
        ResultsQueries,
        AuditQueries,
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runtime.config.PROJECTIONS === 'inline') {
      await this.runner.start();
      this.logger.log('Projections run in this process (PROJECTIONS=inline)');
    } else {
      this.logger.log('Projections run elsewhere (PROJECTIONS=off): start the projector');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await closeStores(this.runner, this.eventStore, this.dataSource, this.router);
    await this.scanStore.close();
    this.logger.log('Projections stopped, stores closed');
  }
}
