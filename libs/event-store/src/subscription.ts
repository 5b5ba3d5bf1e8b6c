import type { EventSubscription, StoredEvent } from './event-store.port';

/** What a producer sees: a bounded buffer to push into and a signal that fires when the subscriber closes. */
export interface SubscriptionSink {
  /**
   * Adds events to the buffer. Resolves once the buffer has room again (backpressure: a slow consumer slows the
   * producer down instead of letting memory grow), with `false` when the subscription is closed and the producer
   * should stop.
   */
  push(events: StoredEvent[]): Promise<boolean>;
  readonly signal: AbortSignal;
}

/** Reads events and pushes them in position order; resolving ends the subscription, rejecting fails it. */
export type SubscriptionProducer = (sink: SubscriptionSink) => Promise<void>;

export interface BufferedSubscriptionOptions {
  /** Events held before the producer has to wait for the consumer. */
  capacity?: number;
  /** Runs once when the subscription closes, after the producer stopped (release connections, listeners). */
  onClose?: () => Promise<void> | void;
}

export const DEFAULT_SUBSCRIPTION_CAPACITY = 1_000;

/**
 * A catch-up subscription over any source of events: the adapter supplies the producer (a polling loop for
 * postgres, the gRPC stream for kurrentdb), this class supplies buffering, backpressure, batching, async
 * iteration and an orderly close, so both adapters behave the same way towards their consumers.
 */
export class BufferedSubscription implements EventSubscription {
  private readonly buffer: StoredEvent[] = [];
  private readonly capacity: number;
  private readonly abort = new AbortController();
  private readonly producerDone: Promise<void>;
  private readonly onClose?: () => Promise<void> | void;
  private failure: { error: unknown } | undefined;
  private ended = false;
  private closing: Promise<void> | undefined;
  /** Wakes a consumer waiting for events (or for the end). */
  private consumerWaiter: (() => void) | undefined;
  /** Wakes a producer waiting for room. */
  private producerWaiter: (() => void) | undefined;

  constructor(producer: SubscriptionProducer, options: BufferedSubscriptionOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_SUBSCRIPTION_CAPACITY);
    this.onClose = options.onClose;
    const sink: SubscriptionSink = { push: (events) => this.push(events), signal: this.abort.signal };
    // Started on the next tick so that a producer which throws synchronously still reports through `failure`;
    // not started at all if the subscription was closed before then.
    this.producerDone = Promise.resolve()
      .then(() => (this.abort.signal.aborted ? undefined : producer(sink)))
      .then(
        () => this.finish(undefined),
        (error: unknown) => this.finish(this.abort.signal.aborted ? undefined : { error }),
      );
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  async nextBatch(max: number): Promise<StoredEvent[]> {
    const limit = Math.max(1, Math.floor(max));
    while (this.buffer.length === 0) {
      if (this.failure) throw this.failure.error;
      if (this.ended || this.closed) return [];
      await new Promise<void>((resolve) => {
        this.consumerWaiter = resolve;
      });
    }
    const batch = this.buffer.splice(0, limit);
    this.wakeProducer();
    return batch;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    try {
      for (;;) {
        const batch = await this.nextBatch(this.capacity);
        if (batch.length === 0) return;
        yield* batch;
      }
    } finally {
      // Leaving a for-await loop early (break, throw) must not leak the producer and its connections.
      await this.close();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      this.wakeProducer();
      this.wakeConsumer();
      await this.producerDone;
      this.buffer.length = 0;
      await this.onClose?.();
    })();
    return this.closing;
  }

  private async push(events: StoredEvent[]): Promise<boolean> {
    if (this.closed) return false;
    this.buffer.push(...events);
    this.wakeConsumer();
    while (this.buffer.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => {
        this.producerWaiter = resolve;
      });
    }
    return !this.closed;
  }

  private finish(failure: { error: unknown } | undefined): void {
    this.ended = true;
    this.failure = failure;
    this.wakeConsumer();
  }

  private wakeConsumer(): void {
    const wake = this.consumerWaiter;
    this.consumerWaiter = undefined;
    wake?.();
  }

  private wakeProducer(): void {
    const wake = this.producerWaiter;
    this.producerWaiter = undefined;
    wake?.();
  }
}
