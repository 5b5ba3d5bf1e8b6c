import { Module, OnModuleInit } from '@nestjs/common';
import { Metrics } from '@tally/platform';
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
export class LiveModule implements OnModuleInit {
  constructor(
    private readonly channels: LiveChannels,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const { stats } = this.channels;
    this.metrics.gauge('tally_live_streams_open', 'Live streams (SSE) open in this process', [], () => [
      { value: this.channels.viewerCount },
    ]);
    this.metrics.gauge('tally_live_channels', 'Elections with a live channel in this process', [], () => [
      { value: this.channels.channels },
    ]);
    this.metrics.counterFrom(
      'tally_live_updates_computed_total',
      'Live updates computed (once per election, shared)',
      () => stats.updates,
    );
    this.metrics.counterFrom(
      'tally_live_updates_sent_total',
      'Live updates written to viewers',
      () => stats.updatesSent,
    );
    this.metrics.counterFrom(
      'tally_live_snapshots_sent_total',
      'Live snapshots written to viewers',
      () => stats.snapshotsSent,
    );
    this.metrics.counterFrom(
      'tally_live_bytes_sent_total',
      'Bytes written to live viewers',
      () => stats.bytesSent,
    );
    this.metrics.counterFrom(
      'tally_live_viewers_cut_total',
      'Viewers cut for being slow',
      () => stats.viewersCut,
    );
  }
}
