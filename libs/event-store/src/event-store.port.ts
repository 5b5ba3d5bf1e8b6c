/**
 * The event store port. Both adapters (postgres, kurrentdb) implement it and pass the same contract suite
 * (./testing/event-store.contract.ts). Positions and revisions are plain integers: revisions count from 0 within a
 * stream; positions grow with commit order across the whole log and START (-1) lies before the first event.
 */
export type JsonObject = { [key: string]: unknown };

/** What the append expects of the stream: that it does not exist yet, anything, or its last revision exactly. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export const START = -1;

export interface EventToAppend {
  /** A uuid. Re-appending the same ids with the same expectation is idempotent: the original result comes back. */
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
}

export interface StoredEvent {
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  streamId: string;
  revision: number;
  position: number;
  recordedAt: Date;
}

export interface AppendResult {
  streamId: string;
  /** Revision of the last event written (the stream's new expected revision). */
  revision: number;
  /** Global position of the last event written. */
  position: number;
  /**
   * True when these event ids were already stored at exactly this place, so nothing was written: the original
   * result comes back. The store compares ids only; a caller that reuses ids for other data must check the data.
   */
  alreadyStored: boolean;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive lower bound; START (the default) reads from the beginning. */
  after?: number;
  maxCount?: number;
  /** Only events whose stream id starts with one of these prefixes. */
  streamPrefixes?: string[];
  /** Inclusive upper bound on the position (time travel, verification up to a head read earlier). */
  to?: number;
}

export type SubscribeOptions = Omit<ReadAllOptions, 'maxCount' | 'to'>;

/** A catch-up subscription: every matching event after `after`, then live ones, in position order, each once. */
export interface EventSubscription extends AsyncIterable<StoredEvent> {
  /** Waits for at least one event, then returns up to `max` events that are already available. */
  nextBatch(max: number): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

export abstract class EventStore {
  abstract readonly name: 'postgres' | 'kurrentdb';
  abstract append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; [] when the stream does not exist. */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  abstract readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  abstract subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /** Position of the last event in the log (START when empty), for lag reporting. */
  abstract headPosition(): Promise<number>;
  /**
   * Position of the last event recorded at or before `instant` (START when none was). Recording times follow
   * positions in both adapters, so this is the log exactly as it stood at that instant.
   */
  abstract positionAt(instant: Date): Promise<number>;
  /** Throws when the store cannot be reached. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id that is already stored in a different stream or at a different place in this one. */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly eventId: string,
    readonly existingStreamId: string,
  ) {
    super(`Event ${eventId} is already stored in stream ${existingStreamId}`);
    this.name = 'DuplicateEventIdError';
  }
}
