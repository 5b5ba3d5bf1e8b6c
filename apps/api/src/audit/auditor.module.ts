import { Module } from '@nestjs/common';
import { AuditCheckpointQueries } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { ElectionsModule } from '../elections/elections.module';
import { ReadYourWrites } from '../results/read-your-writes';
import { AuditCheckpointController } from './audit-checkpoint.controller';

/** Issue 4: the auditor's endpoints (checkpoint, export). Read-only: auditors and admins may call them. */
@Module({
  imports: [ElectionsModule],
  controllers: [AuditCheckpointController],
  providers: [
    ReadYourWrites,
    {
      provide: AuditCheckpointQueries,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new AuditCheckpointQueries(ds),
    },
  ],
})
export class AuditorModule {}
