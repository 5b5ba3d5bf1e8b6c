import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PollingAreaResultsQueries, ReadRouter } from '@tally/read-models';
import { AuditController } from './audit/audit.controller';
import { AuthModule } from './auth/auth.module';
import { AuditorModule } from './audit/auditor.module';
import { ElectionsModule } from './elections/elections.module';
import { HealthController } from './health/health.controller';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { LiveModule } from './live/live.module';
import { AppRuntime } from './infrastructure/runtime';
import { ReadYourWrites } from './results/read-your-writes';
import { ReviewController } from './tallies/review.controller';
import { OpenDataController } from './results/open-data.controller';
import { ResultsController } from './results/results.controller';
import { ScansModule } from './scans/scans.module';
import { TalliesModule } from './tallies/tallies.module';
import { TurnoutModule } from './turnout/turnout.module';
import { UnitsModule } from './units/units.module';

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfrastructureModule.forRoot(runtime),
        AuthModule,
        ElectionsModule,
        TalliesModule,
        UnitsModule,
        ScansModule,
        AuditorModule,
        TurnoutModule,
        LiveModule,
      ],
      controllers: [
        ResultsController,
        OpenDataController,
        AuditController,
        HealthController,
        ReviewController,
      ],
      providers: [
        ReadYourWrites,
        {
          provide: PollingAreaResultsQueries,
          inject: [ReadRouter],
          useFactory: (router: ReadRouter) => new PollingAreaResultsQueries(router),
        },
      ],
    };
  }
}
