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
import type { Server } from 'node:http';
import { AppConfig, closeStores, Metrics, startMetricsServer, storeProviders } from '@tally/platform';
import { ProjectionRunner } from '@tally/read-models';
import { DataSource } from 'typeorm';

export interface ProjectorRuntime {
  config: AppConfig;
  databaseUrl: string;
}

const RUNTIME = Symbol('PROJECTOR_RUNTIME');

/** Runs the projections as their own process (one active runner per projection, elected by advisory lock). */
@Global()
@Module({})
export class ProjectorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private metricsServer: Server | undefined;

  constructor(
    @Inject(RUNTIME) private readonly runtime: ProjectorRuntime,
    private readonly runner: ProjectionRunner,
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {}

  static forRoot(runtime: ProjectorRuntime): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        ...storeProviders(runtime.config, runtime.databaseUrl),
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    const { METRICS_PORT, METRICS_HOST } = this.runtime.config;
    if (METRICS_PORT) {
      this.metricsServer = await startMetricsServer(this.metrics, METRICS_PORT, METRICS_HOST);
      this.logger.log(`Metrics on http://${METRICS_HOST}:${METRICS_PORT}/metrics`);
    }
    this.logger.log(`Projector started (events in ${this.runtime.config.EVENT_STORE})`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.metricsServer?.close();
    await closeStores(this.runner, this.eventStore, this.dataSource);
  }
}
