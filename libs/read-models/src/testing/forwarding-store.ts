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

/** A store that hands every call to `inner`: test stores extend it and change only what they watch or shape. */
export abstract class ForwardingEventStore extends EventStore {
  readonly name: EventStore['name'];
  readonly gaplessPositions: boolean;
  readonly supportsAppendConditions: boolean;

  constructor(protected readonly inner: EventStore) {
    super();
    this.name = inner.name;
    this.gaplessPositions = inner.gaplessPositions;
    this.supportsAppendConditions = inner.supportsAppendConditions;
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
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.inner.readAll(options);
  }
  readAt(position: number): Promise<StoredEvent | undefined> {
    return this.inner.readAt(position);
  }
  subscribeToAll(options?: SubscribeOptions): EventSubscription {
    return this.inner.subscribeToAll(options);
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
