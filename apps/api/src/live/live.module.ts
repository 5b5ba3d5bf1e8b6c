import { Module } from '@nestjs/common';
import { ElectionsModule } from '../elections/elections.module';
import { TurnoutModule } from '../turnout/turnout.module';
import { LiveController } from './live.controller';
import { LiveChannels } from './live-channels';
import { LiveFeed } from './live-feed';
import { LiveHub } from './live-hub';

@Module({
  imports: [ElectionsModule, TurnoutModule],
  controllers: [LiveController],
  providers: [LiveFeed, LiveHub, LiveChannels],
  exports: [LiveHub, LiveChannels],
})
export class LiveModule {}
