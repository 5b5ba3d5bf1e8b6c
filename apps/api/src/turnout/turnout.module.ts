import { Module } from '@nestjs/common';
import { TurnoutQueries, ReadRouter } from '@tally/read-models';
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
    {
      provide: TurnoutQueries,
      inject: [ReadRouter],
      useFactory: (router: ReadRouter) => new TurnoutQueries(router),
    },
  ],
  exports: [TurnoutQueries],
})
export class TurnoutModule {}
