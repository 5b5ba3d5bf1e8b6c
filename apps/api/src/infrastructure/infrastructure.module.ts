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
import { closeStores, Metrics, storeProviders } from '@tally/platform';
import { AuditQueries, ProjectionRunner, ReadRouter, ResultsQueries } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReadRoutingInterceptor } from './read-routing.interceptor';
import { APP_CONFIG, APP_RUNTIME, AppRuntime } from './runtime';

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
  ) {}

  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
        ...storeProviders(runtime.config, runtime.databaseUrl, runtime.decorateEventStore),
        {
          provide: ResultsQueries,
          inject: [ReadRouter],
          useFactory: (r: ReadRouter) => new ResultsQueries(r),
        },
        { provide: AuditQueries, inject: [ReadRouter], useFactory: (r: ReadRouter) => new AuditQueries(r) },
        { provide: APP_INTERCEPTOR, useClass: ReadRoutingInterceptor },
      ],
      exports: [
        Metrics,
        APP_RUNTIME,
        APP_CONFIG,
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
  }
}
