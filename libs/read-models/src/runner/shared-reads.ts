import { type EventStore, type EventSubscription, START, type StoredEvent } from '@tally/event-store';

/** Where a worker gets its events: a subscription to the filtered log after its checkpoint. */
export interface LogReader {
  subscribe(after: number): EventSubscription;
  /** Resolves once every read this reader started has stopped. */
  close(): Promise<void>;
}

/** One subscription of the store's per worker (a runner of one projection has nothing to share). */
export function ownReads(store: EventStore, streamPrefixes: string[]): LogReader {
  return {
    subscribe: (after) => store.subscribeToAll({ after, streamPrefixes }),
    close: () => Promise.resolve(),
  };
}

/** Events read behind the window: every filtered event after the position asked for, up to `covers`. */
interface Page {
  events: StoredEvent[];
  covers: number;
}

interface CachedPage {
  after: number;
  page: Promise<Page>;
  /** Once read. */
  read?: Page;
}

export interface SharedReadsOptions {
  streamPrefixes: string[];
  /** Events of the head's recent past kept for the workers (the window); one further behind reads on its own. */
  windowSize: number;
  /** Events per page a worker behind the window reads. */
  pageSize: number;
  /** Pages read behind the window kept for other workers asking for the same one (a replay from START). */
  cachedPages: number;
}

/**
 * The workers of one runner read the log once: one subscription of the store, from the head it finds when the first
 * worker subscribes, fills a window of the most recent events, and every worker whose position lies inside the
 * window takes its events from there. A worker behind the window (a rebuild from START, one that was slow or kept
 * failing) reads pages of its own with readAll, bounded by the window's start, until it reaches the window. Nobody
 * waits for anybody: the window never waits for a worker (it drops its oldest events beyond `windowSize`, and a
 * worker that needed them reads them on its own), so memory stays bounded and a slow worker holds back no other.
 *
 * Each subscription delivers what a subscription of the store would: every event of the filtered log after its
 * position, in order, each once (the invariant of `covered` below). Only the port is used (readAll, subscribeToAll,
 * headPosition) and positions are only compared and handed back, so it works on every adapter.
 */
export class SharedReads implements LogReader {
  private users = 0;
  private window: HeadWindow | null = null;
  private readonly closing = new Set<Promise<void>>();
  /** The pages read behind the window lately, oldest first. */
  private readonly pages: CachedPage[] = [];

  constructor(
    private readonly store: EventStore,
    readonly options: SharedReadsOptions,
  ) {}

  subscribe(after: number): EventSubscription {
    this.users += 1;
    return new SharedSubscription(this, after, () => this.release());
  }

  /** Events held in the window now (at most windowSize). */
  get windowEvents(): number {
    return this.window?.size ?? 0;
  }

  async close(): Promise<void> {
    if (this.window) this.stopWindow();
    await Promise.all([...this.closing]);
  }

  /** The window the subscriptions read from, opened on first use and again after it failed or ended. */
  async current(): Promise<HeadWindow> {
    if (!this.window || this.window.outcome) {
      if (this.window) this.stopWindow();
      this.window = new HeadWindow(this.store, this.options);
    }
    const window = this.window;
    try {
      await window.ready;
    } catch (error) {
      if (this.window === window) this.stopWindow();
      throw error;
    }
    return window;
  }

  /**
   * The filtered events after `after`, up to `to` and at most a page of them, with how far they cover the log. A
   * page already read (or being read) that covers `after` serves it, whatever its bounds: workers replaying side
   * by side, or from checkpoints close to each other, read each page once and then follow the same pages.
   */
  page(after: number, to: number): Promise<Page> {
    for (const cached of [...this.pages].reverse()) {
      if (cached.after === after) return cached.page;
      const read = cached.read;
      if (read && cached.after < after && after < read.covers) {
        return Promise.resolve({
          events: read.events.filter((e) => e.position > after),
          covers: read.covers,
        });
      }
    }
    const { pageSize, streamPrefixes } = this.options;
    const cached: CachedPage = {
      after,
      page: this.store.readAll({ after, to, maxCount: pageSize, streamPrefixes }).then((events) => {
        // A full page covers up to its last event; a shorter one holds every event up to `to`.
        const read = { events, covers: events.length >= pageSize ? events[events.length - 1].position : to };
        cached.read = read;
        return read;
      }),
    };
    this.pages.push(cached);
    cached.page.catch(() => {
      const index = this.pages.indexOf(cached);
      if (index >= 0) this.pages.splice(index, 1);
    });
    // Oldest first: a page that far behind serves no worker any more.
    if (this.pages.length > this.options.cachedPages) this.pages.shift();
    return cached.page;
  }

  private release(): void {
    this.users -= 1;
    // No worker leads (all stopped, standing by or pausing after a failure): stop reading the head.
    if (this.users === 0) {
      if (this.window) this.stopWindow();
      this.pages.length = 0;
    }
  }

  private stopWindow(): void {
    const window = this.window!;
    this.window = null;
    const closed = window.close().finally(() => this.closing.delete(closed));
    this.closing.add(closed);
  }
}

/**
 * The most recent events of the filtered log, read by one subscription of the store: every matching event after
 * `base` and up to the last one received is held, in order. Beyond `windowSize`, the oldest are dropped and `base`
 * moves up to the last one dropped.
 */
class HeadWindow {
  base = START;
  /** Set once the store's subscription failed or ended: the window serves nothing more. */
  outcome: { error?: unknown } | null = null;
  readonly ready: Promise<void>;
  private events: StoredEvent[] = [];
  private subscription: EventSubscription | null = null;
  private pumping: Promise<void> = Promise.resolve();
  private closed = false;
  private changed!: Promise<void>;
  private wake!: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly options: SharedReadsOptions,
  ) {
    this.renew();
    this.ready = this.open();
    this.ready.catch(() => undefined);
  }

  get size(): number {
    return this.events.length;
  }

  /** The events after `after` (at or past `base`), at most `max` of them: [] when there are none yet. */
  take(after: number, max: number): StoredEvent[] {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle].position <= after) low = middle + 1;
      else high = middle;
    }
    return this.events.slice(low, low + max);
  }

  /** Resolves when events arrive, the window fails or ends, or it closes. */
  next(): Promise<void> {
    return this.changed;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.subscription?.close().catch(() => undefined);
    await this.pumping;
    this.events = [];
    this.finish({});
  }

  private async open(): Promise<void> {
    const head = await this.store.headPosition();
    if (this.closed) return;
    this.base = head;
    const subscription = this.store.subscribeToAll({
      after: head,
      streamPrefixes: this.options.streamPrefixes,
    });
    this.subscription = subscription;
    this.pumping = this.pump(subscription);
  }

  private async pump(subscription: EventSubscription): Promise<void> {
    try {
      for (;;) {
        const batch = await subscription.nextBatch(this.options.windowSize);
        if (batch.length === 0 || this.closed) break;
        this.events.push(...batch);
        const excess = this.events.length - this.options.windowSize;
        if (excess > 0) {
          this.base = this.events[excess - 1].position;
          this.events.splice(0, excess);
        }
        this.notify();
      }
      this.finish({});
    } catch (error) {
      this.finish({ error });
    }
  }

  private finish(outcome: { error?: unknown }): void {
    this.outcome ??= outcome;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.renew();
    wake();
  }

  private renew(): void {
    this.changed = new Promise((resolve) => (this.wake = resolve));
  }
}

/** A worker's subscription: from the window while its position lies inside it, from pages of its own otherwise. */
class SharedSubscription implements EventSubscription {
  /** Every event of the filtered log up to here has been delivered, and none after it. */
  private covered: number;
  /** The page being delivered (behind the window), from `pageIndex` on, and what it covers once delivered. */
  private page: StoredEvent[] = [];
  private pageIndex = 0;
  private pageCovers = START;
  /** The next page, asked for while the current one is applied. */
  private ahead: { after: number; to: number; page: Promise<Page> } | null = null;
  /** The window last read from: when it fails or ends, this subscription does too, as the store's own would. */
  private attached: HeadWindow | null = null;
  private closed = false;
  private readonly closing: Promise<void>;
  private signalClosed!: () => void;

  constructor(
    private readonly shared: SharedReads,
    after: number,
    private readonly onClose: () => void,
  ) {
    this.covered = after;
    this.closing = new Promise((resolve) => (this.signalClosed = resolve));
  }

  async nextBatch(max: number): Promise<StoredEvent[]> {
    const limit = Math.max(1, Math.floor(max));
    for (;;) {
      if (this.closed) return [];
      if (this.pageIndex < this.page.length) return this.fromPage(limit);
      const window = this.attached ?? (await this.shared.current());
      if (this.closed) return [];
      if (this.covered >= window.base) {
        this.attached = window;
        const events = window.take(this.covered, limit);
        if (events.length > 0) {
          this.covered = events[events.length - 1].position;
          return events;
        }
        if (window.outcome) {
          // As the store's own subscription: a failure is thrown, an end is an empty batch (the worker resubscribes).
          if (window.outcome.error !== undefined) throw window.outcome.error;
          return [];
        }
        await Promise.race([window.next(), this.closing]);
        continue;
      }
      // Behind the window (it moved on while this worker was busy): pages of its own until it catches up.
      this.attached = null;
      await this.readPage(window.base);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    try {
      for (;;) {
        const batch = await this.nextBatch(this.shared.options.pageSize);
        if (batch.length === 0) return;
        yield* batch;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ahead = null;
    this.page = [];
    this.signalClosed();
    this.onClose();
  }

  private fromPage(limit: number): StoredEvent[] {
    const batch = this.page.slice(this.pageIndex, this.pageIndex + limit);
    this.pageIndex += batch.length;
    this.covered = this.pageIndex >= this.page.length ? this.pageCovers : batch[batch.length - 1].position;
    return batch;
  }

  /**
   * The next page behind the window: the events after `covered` up to `to` (the window's base), with the one after
   * it asked for at once, so that it is read while this one is applied.
   */
  private async readPage(to: number): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    const request =
      ahead && ahead.after === this.covered
        ? ahead
        : { after: this.covered, to, page: this.shared.page(this.covered, to) };
    const page = await request.page;
    if (this.closed) return;
    this.page = page.events;
    this.pageIndex = 0;
    this.pageCovers = page.covers;
    if (page.events.length === 0) this.covered = page.covers;
    if (page.covers < request.to) {
      const next = this.shared.page(page.covers, request.to);
      next.catch(() => undefined);
      this.ahead = { after: page.covers, to: request.to, page: next };
    }
  }
}
