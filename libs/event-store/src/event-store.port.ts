/**
 * The event store port. Both adapters (postgres, kurrentdb) implement it and pass the same contract suite
 * (./testing/event-store.contract.ts).
 *
 * Revisions are plain integers counting from 0 within a stream: revision n + 1 follows revision n.
 *
 * Positions are OPAQUE and ORDERED. A position is a number that grows with commit order across the whole log, and
 * START (-1) lies before the first event; that is all a caller may rely on. They are not counters: postgres hands
 * out 0, 1, 2, … but KurrentDB's are byte offsets in its transaction log, with gaps of any size between events.
 * So never compute with a position (no p - 1, p + 1, differences as event counts): compare them, store them and
 * hand them back. Where a read must include the event at p, use readAt(p) or `to: p`; where it starts after p,
 * `after: p`.
 *
 * A position a caller gives as `after` (readAll, subscribeToAll, positionAt) must be START or one the store handed
 * out: an event's position, an append result's, headPosition(), positionAt(). Any other number is a foreign
 * position: KurrentDB refuses to read from it (it is not a record boundary), so an api that takes positions from
 * clients checks them with readAt() first. `to` and `minPosition`-style comparisons accept any number.
 */
export type JsonObject = { [key: string]: unknown };

/** What the append expects of the stream: that it does not exist yet, anything, or its last revision exactly. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export const START = -1;

export interface EventToAppend {
  /**
   * A uuid. Re-appending the same ids with the same expectation is idempotent: the original result comes back,
   * also when the retries race each other. An id belongs to the write that STORED it: an id stored in another
   * stream, or at another place of this one, is refused (DuplicateEventIdError). An id whose append failed (a
   * conflict, a crash) was not stored, and a later append of it to the same stream is a new, legitimate use: a
   * retry after re-reading the stream, the same correctionId with a fresh If-Match. Moving such an id to ANOTHER
   * stream is not promised: kurrentdb binds an id to the stream it was first tried on (its reservation, see
   * KurrentDbEventStoreOptions.enforceUniqueEventIds) and refuses it elsewhere; postgres accepts it.
   */
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
}

/**
 * "Stream `streamId` is at revision `revision`" ('no_stream': it does not exist), checked by the store in the same
 * atomic step as the append it is given to: when it does not hold, the append writes nothing and fails with
 * AppendConditionFailedError. It lets a writer decide on another stream's state (say, a sheet on the election's
 * definition) without reading that stream first, and still never store a decision whose premise had changed by the
 * time it was stored. Only stores with supportsAppendConditions check it.
 */
export interface AppendCondition {
  streamId: string;
  revision: number | 'no_stream';
}

export interface AppendOptions {
  condition?: AppendCondition;
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
  /** Global position of the last event written (an opaque cursor, see the top of this file). */
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
  /** Exclusive lower bound: START (the default) or a position the store handed out (no p - 1 to include p). */
  after?: number;
  /** At most this many events; the store stops reading there (it does not scan on and drop the rest). */
  maxCount?: number;
  /**
   * Only events whose stream id starts with one of these prefixes (literally: no wildcards), filtered by the store
   * itself. No prefixes (undefined or []) means every stream. Never system streams or an adapter's bookkeeping.
   */
  streamPrefixes?: string[];
  /** Inclusive upper bound on the position, any number (time travel, verification up to a head read earlier). */
  to?: number;
  /**
   * Only these keys of each event's metadata are needed (a fold that reads the actor alone): each one present is
   * returned as stored. A store may return the other keys too; the PostgreSQL store leaves them out, which spares
   * reading and parsing them (time travel at national size).
   */
  metadataKeys?: readonly string[];
}

export interface PositionAtOptions {
  /**
   * A position known to be recorded at or before the instant (e.g. from a time index): the store looks only at
   * events after it, so the cost is the events between it and the instant, not the whole log.
   */
  after?: number;
}

export type SubscribeOptions = Omit<ReadAllOptions, 'maxCount' | 'to' | 'metadataKeys'>;

/** A catch-up subscription: every matching event after `after`, then live ones, in position order, each once. */
export interface EventSubscription extends AsyncIterable<StoredEvent> {
  /** Waits for at least one event, then returns up to `max` events that are already available. */
  nextBatch(max: number): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

export abstract class EventStore {
  abstract readonly name: 'postgres' | 'kurrentdb';
  /**
   * True when positions are exactly 0, 1, 2, … (postgres). For auditing only (a missing position is a deleted
   * event); everything else treats positions as opaque.
   */
  abstract readonly gaplessPositions: boolean;
  /**
   * True when append() checks `options.condition` atomically with the append (postgres: under the log-head lock).
   * A store that cannot (kurrentdb: no check across streams) says false and refuses any append that carries one
   * (AppendConditionsUnsupportedError), so a caller never mistakes an unchecked condition for a checked one.
   */
  abstract readonly supportsAppendConditions: boolean;
  /**
   * Appends expecting the stream at `expected`. Ids already stored at exactly this place are a retry: the original
   * result comes back, whatever the condition. Otherwise a condition that does not hold refuses the append
   * (AppendConditionFailedError) before the expected revision is looked at.
   */
  abstract append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; [] when the stream does not exist. */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  abstract readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * The event at exactly this position, or undefined when none of the log's events is there (a foreign position,
   * one beyond the head, START). Never throws for a number it does not know; it throws only when the store fails.
   */
  abstract readAt(position: number): Promise<StoredEvent | undefined>;
  abstract subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /** Position of the last event in the log (START when empty), for lag reporting. */
  abstract headPosition(): Promise<number>;
  /**
   * Position of the last event recorded at or before `instant` (START when none was). Recording times follow
   * positions in both adapters, so this is the log exactly as it stood at that instant. With `after`, only events
   * after that position are looked at: the answer is `after` itself when none of them was recorded by then.
   */
  abstract positionAt(instant: Date, options?: PositionAtOptions): Promise<number>;
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

/** The append's condition did not hold: `streamId` (the condition's stream) is at `actual`, not `expected`. */
export class AppendConditionFailedError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number | 'no_stream',
    readonly actual: number | 'no_stream',
  ) {
    super(
      `Append condition failed: stream ${streamId} is at revision ${String(actual)}, not ${String(expected)}`,
    );
    this.name = 'AppendConditionFailedError';
  }
}

/** An append carried a condition to a store that cannot check it (supportsAppendConditions is false). */
export class AppendConditionsUnsupportedError extends Error {
  constructor(readonly store: string) {
    super(
      `The ${store} event store cannot check an append condition atomically; append without one (see supportsAppendConditions)`,
    );
    this.name = 'AppendConditionsUnsupportedError';
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
