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
  type StoredEvent,
  type SubscribeOptions,
} from '@tally/event-store';

/**
 * The real store, counting what the runner reads through the port: subscriptions opened, readAll calls, and every
 * event handed out (delivered by a subscription or returned by readAll).
 */
export class CountingStore extends EventStore {
  readonly name: EventStore['name'];
  readonly gaplessPositions: boolean;
  readonly supportsAppendConditions: boolean;
  subscriptions = 0;
  readAllCalls = 0;
  eventsRead = 0;

  constructor(private readonly inner: EventStore) {
    super();
    this.name = inner.name;
    this.gaplessPositions = inner.gaplessPositions;
    this.supportsAppendConditions = inner.supportsAppendConditions;
  }

  reset(): void {
    this.subscriptions = 0;
    this.readAllCalls = 0;
    this.eventsRead = 0;
  }

  subscribeToAll(options?: SubscribeOptions): EventSubscription {
    this.subscriptions++;
    const inner = this.inner.subscribeToAll(options);
    return {
      nextBatch: async (max: number) => {
        const batch = await inner.nextBatch(max);
        this.eventsRead += batch.length;
        return batch;
      },
      close: () => inner.close(),
      [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
    };
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.readAllCalls++;
    const events = await this.inner.readAll(options);
    this.eventsRead += events.length;
    return events;
  }

  append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected, options);
  }
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.inner.readStream(streamId, options);
  }
  readAt(position: number): Promise<StoredEvent | undefined> {
    return this.inner.readAt(position);
  }
  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }
  positionAt(instant: Date, options?: PositionAtOptions): Promise<number> {
    return this.inner.positionAt(instant, options);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
