import { Module } from '@nestjs/common';
import { ElectionsModule } from '../elections/elections.module';
import { AttachScanHandler } from './attach-scan.handler';
import { ScanAccess } from './scan-access';
import { ScanReader } from './scan.reader';
import { ScansController } from './scans.controller';

/** Issue 12 §2: the scanned counting records, stored content-addressed and linked to the sheets by an event. */
@Module({
  imports: [ElectionsModule],
  controllers: [ScansController],
  providers: [AttachScanHandler, ScanReader, ScanAccess],
})
export class ScansModule {}
