import { Module } from '@nestjs/common';
import { TurnoutQueries } from '@tally/read-models';
import { DataSource } from 'typeorm';
import { ElectionsModule } from '../elections/elections.module';
import { ReadYourWrites } from '../results/read-your-writes';
import { ReportTurnoutHandler } from './report-turnout.handler';
import { ElectionListController, TurnoutController } from './turnout.controller';

@Module({
  imports: [ElectionsModule],
  controllers: [ElectionListController, TurnoutController],
  providers: [
    ReportTurnoutHandler,
    ReadYourWrites,
    { provide: TurnoutQueries, inject: [DataSource], useFactory: (ds: DataSource) => new TurnoutQueries(ds) },
  ],
  exports: [TurnoutQueries],
})
export class TurnoutModule {}
