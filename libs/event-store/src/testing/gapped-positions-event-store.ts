import {
  type AppendOptions,
  type AppendResult,
  EventStore,
  type EventSubscription,
  type EventToAppend,
  type ExpectedRevision,
  type PositionAtOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  START,
  type StoredEvent,
  type SubscribeOptions,
} from '../event-store.port';
import { BufferedSubscription } from '../subscription';

/** What KurrentDB answers when a read starts at a number that is not one of its positions. */
export class ForeignPositionError extends Error {
  constructor(readonly position: number) {
    super(`Trying to read from an invalid position: ${position}`);
    this.name = 'ForeignPositionError';
  }
}

/**
 * A real event store seen through KurrentDB-like positions: the inner store's position p becomes
 * `offset + p × stride`, so positions are large, gapped, and p - 1 or p + 1 is nobody's position. Reading after a
 * number that is not a position fails, as on KurrentDB (its positions are byte offsets and such a number is not a
 * record boundary); readAt answers undefined; `to` takes any number. It lets the contract suite and the api's
 * specs run on PostgreSQL under the rule that positions are opaque (event-store.port.ts), where today's gapless
 * positions would hide any arithmetic. It is a test aid, not a KurrentDB: it adds nothing else of KurrentDB's.
 */
export class GappedPositionsEventStore extends EventStore {
  readonly gaplessPositions = false;

  constructor(
    readonly inner: EventStore,
    private readonly stride = 97,
    private readonly offset = 1_000_003,
  ) {
    super();
  }

  get name(): EventStore['name'] {
    return this.inner.name;
  }

  /** Conditions name revisions, not positions: they pass through as they are. */
  get supportsAppendConditions(): boolean {
    return this.inner.supportsAppendConditions;
  }

  async append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const result = await this.inner.append(streamId, events, expected, options);
    return { ...result, position: this.encode(result.position) };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return (await this.inner.readStream(streamId, options)).map((event) => this.outward(event));
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const events = await this.inner.readAll({
      ...options,
      after: options.after === undefined ? undefined : this.decodeAfter(options.after),
      to: options.to === undefined ? undefined : this.decodeAtOrBefore(options.to),
    });
    return events.map((event) => this.outward(event));
  }

  async readAt(position: number): Promise<StoredEvent | undefined> {
    const inner = this.decodeExact(position);
    if (inner === undefined || inner === START) return undefined;
    const event = await this.inner.readAt(inner);
    return event && this.outward(event);
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const subscription: BufferedSubscription = new BufferedSubscription(async (sink) => {
      const after = options.after === undefined ? undefined : this.decodeAfter(options.after);
      const source = this.inner.subscribeToAll({ ...options, after });
      const stop = (): void => void source.close();
      sink.signal.addEventListener('abort', stop, { once: true });
      try {
        for (;;) {
          const batch = await source.nextBatch(500);
          if (batch.length === 0 || !(await sink.push(batch.map((event) => this.outward(event))))) return;
        }
      } finally {
        sink.signal.removeEventListener('abort', stop);
        await source.close();
      }
    });
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.encode(await this.inner.headPosition());
  }

  async positionAt(instant: Date, options: PositionAtOptions = {}): Promise<number> {
    const after = options.after === undefined ? undefined : this.decodeAfter(options.after);
    return this.encode(await this.inner.positionAt(instant, { after }));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private encode(position: number): number {
    return position < 0 ? position : this.offset + position * this.stride;
  }

  private outward(event: StoredEvent): StoredEvent {
    return { ...event, position: this.encode(event.position) };
  }

  private decodeExact(position: number): number | undefined {
    if (position === START) return START;
    const steps = (position - this.offset) / this.stride;
    return Number.isSafeInteger(steps) && steps >= 0 ? steps : undefined;
  }

  private decodeAfter(position: number): number {
    const inner = this.decodeExact(position);
    if (inner === undefined) throw new ForeignPositionError(position);
    return inner;
  }

  /** For an inclusive bound any number will do: the last inner position at or before it. */
  private decodeAtOrBefore(position: number): number {
    if (position < this.offset) return START;
    return Math.floor((position - this.offset) / this.stride);
  }
}
