import { Module, OnModuleInit } from '@nestjs/common';
import { Metrics } from '@tally/platform';
import { AuditCheckpointQueries, ReadRouter } from '@tally/read-models';
import { ElectionsModule } from '../elections/elections.module';
import { ReadYourWrites } from '../results/read-your-writes';
import { TimeTravel } from '../results/time-travel';
import { AuditCheckpointController } from './audit-checkpoint.controller';
import { AuditExportController } from './audit-export.controller';

/** Issue 4: the auditor's endpoints (checkpoint, export) and time travel for the results. Read-only: auditors and admins may call them. */
@Module({
  imports: [ElectionsModule],
  controllers: [AuditCheckpointController, AuditExportController],
  providers: [
    ReadYourWrites,
    TimeTravel,
    {
      provide: AuditCheckpointQueries,
      inject: [ReadRouter],
      useFactory: (router: ReadRouter) => new AuditCheckpointQueries(router),
    },
  ],
  exports: [TimeTravel],
})
export class AuditorModule implements OnModuleInit {
  constructor(
    private readonly timeTravel: TimeTravel,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const { gate } = this.timeTravel;
    this.metrics.gauge(
      'tally_time_travel_folds_running',
      'Time-travel folds running in this process',
      [],
      () => [{ value: gate.running }],
    );
    this.metrics.gauge(
      'tally_time_travel_folds_waiting',
      'Time-travel folds waiting for their turn in this process',
      [],
      () => [{ value: gate.waiting }],
    );
    this.metrics.counterFrom(
      'tally_time_travel_refused_total',
      'Time-travel requests refused with 503 TIME_TRAVEL.BUSY',
      () => gate.refused,
    );
  }
}
