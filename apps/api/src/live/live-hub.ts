import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@tally/platform';
import { ProjectionRunner } from '@tally/read-models';
import { APP_CONFIG } from '../infrastructure/runtime';

export type PositionListener = (position: number) => void;

/** The last message of a stream when the api shuts down: come back in a second (to another instance), and why. */
export const LIVE_FAREWELL = 'retry: 1000\nevent: reconnect\ndata: {"reason":"shutdown"}\n\n';

/**
 * Tells the open live streams of this process how far the read models have got. It reads the projection checkpoints
 * (so it works whichever process runs the projections) every LIVE_POLL_MS, and only while a stream is open: one
 * query per tick for all streams together.
 */
@Injectable()
export class LiveHub implements OnModuleDestroy {
  private readonly logger = new Logger('live');
  private readonly listeners = new Set<PositionListener>();
  private readonly streams = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The listener hears every new projected position (and at once the current one); call the result to stop. */
  listen(listener: PositionListener): () => void {
    this.listeners.add(listener);
    if (this.last > Number.NEGATIVE_INFINITY) listener(this.last);
    this.timer ??= setInterval(() => void this.tick(), this.config.LIVE_POLL_MS);
    void this.tick();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Open listeners: for tests that check a closed stream leaves nothing behind. */
  get size(): number {
    return this.listeners.size;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /**
   * `end` closes an open stream with LIVE_FAREWELL when the api shuts down (the http server waits for open sockets
   * otherwise); a stream that opens while it shuts down is ended at once.
   */
  track(end: () => void): () => void {
    if (this.closed) {
      end();
      return () => undefined;
    }
    this.streams.add(end);
    return () => this.streams.delete(end);
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const end of [...this.streams]) end();
    this.streams.clear();
    this.listeners.clear();
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.last = Number.NEGATIVE_INFINITY;
  }

  private async tick(): Promise<void> {
    if (this.polling || this.listeners.size === 0) return;
    this.polling = true;
    try {
      const position = await this.runner.projectedPosition();
      if (position > this.last && this.listeners.size > 0) {
        this.last = position;
        for (const listener of [...this.listeners]) listener(position);
      }
    } catch (error) {
      this.logger.warn(`cannot read the projection checkpoints: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }
}
