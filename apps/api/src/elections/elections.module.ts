import { Module } from '@nestjs/common';
import { AmendElectionHandler } from './amend-election.handler';
import { DefineElectionHandler } from './define-election.handler';
import { ElectionCatalog } from './election-catalog';
import { ElectionsController } from './elections.controller';

@Module({
  controllers: [ElectionsController],
  providers: [DefineElectionHandler, AmendElectionHandler, ElectionCatalog],
  exports: [ElectionCatalog],
})
export class ElectionsModule {}
