import { Module } from '@nestjs/common';
import { DefineElectionHandler } from './define-election.handler';
import { ElectionCatalog } from './election-catalog';
import { ElectionsController } from './elections.controller';

@Module({
  controllers: [ElectionsController],
  providers: [DefineElectionHandler, ElectionCatalog],
  exports: [ElectionCatalog],
})
export class ElectionsModule {}
