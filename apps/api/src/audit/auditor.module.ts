import { Module } from '@nestjs/common';
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
export class AuditorModule {}
