import { Module } from '@nestjs/common';
import { DistrictScope } from '../auth/district-scope';
import { ElectionsModule } from '../elections/elections.module';
import { UnitsModule } from '../units/units.module';
import { CorrectTallyHandler } from './correct-tally.handler';
import { DecideSheetHandler } from './decide-sheet.handler';
import { SubmitTallyHandler } from './submit-tally.handler';
import { TalliesController } from './tallies.controller';
import { TallySheetReader } from './tally-sheet.reader';

@Module({
  imports: [ElectionsModule, UnitsModule],
  controllers: [TalliesController],
  providers: [SubmitTallyHandler, CorrectTallyHandler, DecideSheetHandler, TallySheetReader, DistrictScope],
})
export class TalliesModule {}
