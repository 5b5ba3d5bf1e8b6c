import { chainEvents, EventMetadata, prevHashOf } from '@tally/domain';
import { EventStore, EventToAppend, ExpectedRevision, JsonObject, StoredEvent } from '@tally/event-store';

/** A domain event as the deciders produce it. */
export interface DomainEvent {
  type: string;
  data: object;
}

export interface LoadedStream<E extends DomainEvent> {
  streamId: string;
  events: E[];
  stored: StoredEvent[];
  /** What the next append must expect: the last revision, or 'no_stream'. */
  expected: ExpectedRevision;
}

/** Reads a whole stream as domain events (the store holds only what the deciders produced). */
export async function loadStream<E extends DomainEvent>(
  store: EventStore,
  streamId: string,
): Promise<LoadedStream<E>> {
  const stored = await store.readStream(streamId);
  return {
    streamId,
    stored,
    events: stored.map((event) => ({ type: event.type, data: event.data }) as unknown as E),
    expected: stored.length === 0 ? 'no_stream' : stored[stored.length - 1].revision,
  };
}

/** A stream as it is before its first event: for a write that expects the stream not to exist yet. */
export function emptyStream<E extends DomainEvent>(streamId: string): LoadedStream<E> {
  return { streamId, stored: [], events: [], expected: 'no_stream' };
}

/**
 * The events to append after the loaded stream, hash-chained (libs/domain/src/audit/hash-chain.ts): each carries
 * `prevHash` (the stream's last stored hash, or the genesis value) and `hash` in its metadata. The append must use
 * `stream.expected`, so a racing writer makes it fail instead of forking the chain.
 */
export function toAppend(
  stream: LoadedStream<DomainEvent>,
  events: DomainEvent[],
  metadata: EventMetadata,
  eventIds: string[],
): EventToAppend[] {
  const last = stream.stored[stream.stored.length - 1];
  const chained = chainEvents(
    stream.streamId,
    last ? last.revision + 1 : 0,
    prevHashOf(last?.metadata),
    events.map((event) => ({ type: event.type, data: event.data, metadata: metadata as JsonObject })),
  );
  return chained.map((event, i) => ({
    eventId: eventIds[i],
    type: event.type,
    data: event.data as JsonObject,
    metadata: event.metadata as JsonObject,
  }));
}
