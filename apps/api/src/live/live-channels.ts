import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { AppConfig } from '@tally/platform';
import { ProjectionRunner } from '@tally/read-models';
import { ElectionCatalog } from '../elections/election-catalog';
import { HttpProblem } from '../http/problem';
import { APP_CONFIG } from '../infrastructure/runtime';
import { LiveChannel, type LiveStats } from './live-channel';
import { LiveFeed } from './live-feed';
import { LiveHub } from './live-hub';

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

interface Open {
  channel: LiveChannel;
  stopListening: () => void;
  heartbeat: NodeJS.Timeout;
  idle: NodeJS.Timeout | undefined;
}

/**
 * The live channels of this process, one per election with viewers (see LiveChannel). A channel starts with its
 * first viewer, follows the read models through the LiveHub, and stops LIVE_IDLE_MS after its last viewer left
 * (until then a viewer that reconnects resumes from the channel's recent updates).
 */
@Injectable()
export class LiveChannels implements OnModuleDestroy {
  private readonly logger = new Logger('live');
  private readonly open = new Map<string, Promise<Open>>();
  private readonly started = new Map<string, Open>();
  readonly stats: LiveStats = { updates: 0, updatesSent: 0, snapshotsSent: 0, bytesSent: 0, viewersCut: 0 };

  constructor(
    private readonly catalog: ElectionCatalog,
    private readonly feed: LiveFeed,
    private readonly hub: LiveHub,
    private readonly eventStore: EventStore,
    private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The election's channel, started if needed; 503 RESULTS.NOT_CAUGHT_UP while the election is not projected. */
  async channel(electionId: string): Promise<LiveChannel> {
    let pending = this.open.get(electionId);
    if (!pending) {
      pending = this.start(electionId);
      this.open.set(electionId, pending);
      pending.catch(() => this.open.delete(electionId));
    }
    const open = await pending;
    this.started.set(electionId, open);
    if (open.idle) clearTimeout(open.idle);
    open.idle = undefined;
    return open.channel;
  }

  /** Call when a viewer of the election has left: the channel stops once it has had none for LIVE_IDLE_MS. */
  released(electionId: string): void {
    void this.open.get(electionId)?.then((open) => {
      if (open.channel.size > 0 || open.idle) return;
      open.idle = setTimeout(() => this.stop(electionId, open), this.config.LIVE_IDLE_MS);
      open.idle.unref();
    });
  }

  /** Viewers across every channel of this process. */
  async viewers(): Promise<number> {
    const all = await Promise.allSettled([...this.open.values()]);
    return all.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.channel.size : 0), 0);
  }

  get channels(): number {
    return this.open.size;
  }

  /** Open streams of this process (the viewers of every started channel). */
  get viewerCount(): number {
    let n = 0;
    for (const open of this.started.values()) n += open.channel.size;
    return n;
  }

  onModuleDestroy(): void {
    for (const [electionId, pending] of [...this.open]) {
      void pending.then((open) => this.stop(electionId, open)).catch(() => undefined);
    }
  }

  private async start(electionId: string): Promise<Open> {
    // The first viewer sees at least everything written before it connected.
    await this.runner.waitForPosition(await this.eventStore.headPosition(), this.config.READ_WAIT_TIMEOUT_MS);
    const position = await this.runner.projectedPosition();
    const source = this.feed.sourceFor(this.catalog, electionId);
    const view = await source.view(undefined, undefined);
    if (!view) {
      throw new HttpProblem(
        503,
        'RESULTS.NOT_CAUGHT_UP',
        'The read models are behind',
        `Election ${electionId} is not projected yet; retry shortly`,
        {},
        { 'retry-after': '1' },
      );
    }
    const channel = new LiveChannel(
      electionId,
      position,
      view,
      source,
      {
        updateIntervalMs: this.config.LIVE_UPDATE_INTERVAL_MS,
        slowClientMs: this.config.LIVE_SLOW_CLIENT_MS,
        historyBytes: this.config.LIVE_HISTORY_BYTES,
      },
      this.stats,
      (error) => {
        // Its viewers reconnect with their Last-Event-ID and miss nothing; the next viewer starts a new channel.
        this.logger.error(`live stream of ${electionId} failed: ${(error as Error).stack ?? String(error)}`);
        void this.open.get(electionId)?.then((open) => this.stop(electionId, open));
      },
    );
    const open: Open = {
      channel,
      stopListening: this.hub.listen((p) => channel.advance(p)),
      heartbeat: this.ticker(channel),
      idle: undefined,
    };
    return open;
  }

  /** Checks the viewers every second (slow ones, overdue snapshots); a heartbeat every LIVE_HEARTBEAT_MS. */
  private ticker(channel: LiveChannel): NodeJS.Timeout {
    const every = Math.min(1000, this.config.LIVE_HEARTBEAT_MS);
    let sinceHeartbeat = 0;
    return setInterval(() => {
      sinceHeartbeat += every;
      const beat = sinceHeartbeat >= this.config.LIVE_HEARTBEAT_MS;
      if (beat) sinceHeartbeat = 0;
      channel.tick(beat ? HEARTBEAT : undefined, this.config.READ_WAIT_TIMEOUT_MS);
    }, every);
  }

  private stop(electionId: string, open: Open): void {
    if (open.idle) clearTimeout(open.idle);
    clearInterval(open.heartbeat);
    open.stopListening();
    open.channel.close();
    if (this.started.get(electionId) === open) {
      this.started.delete(electionId);
      this.open.delete(electionId);
    }
  }
}
