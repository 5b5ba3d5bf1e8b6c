import { Module } from '@nestjs/common';
import { ElectionsModule } from '../elections/elections.module';
import { AnnulUnitResultHandler } from './annul-unit-result.handler';
import { CertifyUnitHandler } from './certify-unit.handler';
import { RevokeCertificationHandler } from './revoke-certification.handler';
import { UnitLocks } from './unit-locks';
import { UnitsController } from './units.controller';

@Module({
  imports: [ElectionsModule],
  controllers: [UnitsController],
  providers: [CertifyUnitHandler, RevokeCertificationHandler, AnnulUnitResultHandler, UnitLocks],
  exports: [UnitLocks],
})
export class UnitsModule {}
