import { EventMetadata } from '@tally/domain';
import { EventStore, EventToAppend, ExpectedRevision, JsonObject, StoredEvent } from '@tally/event-store';

/** A domain event as the deciders produce it. */
export interface DomainEvent {
  type: string;
  data: object;
}

export interface LoadedStream<E extends DomainEvent> {
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
    stored,
    events: stored.map((event) => ({ type: event.type, data: event.data }) as unknown as E),
    expected: stored.length === 0 ? 'no_stream' : stored[stored.length - 1].revision,
  };
}

export function toAppend(
  events: DomainEvent[],
  metadata: EventMetadata,
  eventIds: string[],
): EventToAppend[] {
  return events.map((event, i) => ({
    eventId: eventIds[i],
    type: event.type,
    data: event.data as JsonObject,
    metadata: metadata as JsonObject,
  }));
}
