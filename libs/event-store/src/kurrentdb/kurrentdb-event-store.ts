import {
  type AllStreamResolvedEvent,
  ANY,
  type AppendResult as KurrentAppendResult,
  type AppendStreamState,
  BACKWARDS,
  DeadlineExceededError,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  type ReadPosition,
  START as KURRENT_START,
  streamNameFilter,
  StreamNotFoundError,
  TimeoutError,
  UnknownError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { isDeepStrictEqual } from 'node:util';
import { v4 as uuidv4 } from 'uuid';
import { resolveAlreadyAppended, type StoredEventRef, validateEventsToAppend } from '../append-rules';
import {
  AppendConditionsUnsupportedError,
  type AppendOptions,
  type AppendResult,
  DuplicateEventIdError,
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
  WrongExpectedRevisionError,
} from '../event-store.port';
import { BufferedSubscription } from '../subscription';
import {
  applicationStreamsRegex,
  EVENT_ID_RESERVATION_PREFIX,
  isApplicationStream,
  matchesPrefixes,
  toStoredEvent,
} from './kurrentdb-event-mapping';

export interface KurrentDbEventStoreOptions {
  /**
   * KurrentDB only deduplicates event ids per stream and best effort. The port promises that an id stored in one
   * stream is refused in another (DuplicateEventIdError), which the api relies on to catch one submission id used
   * for two sheets; so, by default, each id is first reserved in its own stream (`event-id-<id>`,
   * expected NO_STREAM). Costs one extra write per event; turn off only if ids are unique by construction.
   * Turned off, a retry the server deduplicates comes back with `alreadyStored: false`: the adapter cannot tell.
   * A reservation stays when its append fails: the id remains free for that stream, and refused in any other.
   */
  enforceUniqueEventIds?: boolean;
  /** Events a subscription buffers ahead of its consumer. */
  subscriptionCapacity?: number;
  /** Dispose the client on close(). Defaults to true for a client the store built, false for one it was given. */
  disposeClientOnClose?: boolean;
  /** Events per read of $all (default 500). Every read asks the server for at most this many and is read to its end. */
  readPageSize?: number;
}

const RESERVATION_EVENT_TYPE = 'EventIdReserved';
/** Appends tried when a write may race a twin with the same ids (see append()). */
const APPEND_ATTEMPTS = 4;
/**
 * Deadline of an append that may race a twin. KurrentDB drops (never answers) a write whose ids match a write of
 * the same stream that is not replicated yet (StorageWriterService, CommitDecision.IdempotentNotReady); waiting
 * for the client's 10 s default would hold the request that long, and a shorter one lets us look again sooner.
 */
const TWIN_APPEND_DEADLINE_MS = 3_000;
/** Reads of a reservation that lost its claim race, waiting for the winner's claim to become readable. */
const CLAIM_ATTEMPTS = 6;

/** The event store on KurrentDB / EventStoreDB 24.10+ (production default). Positions are commit positions. */
export class KurrentDbEventStore extends EventStore {
  readonly name = 'kurrentdb' as const;
  readonly gaplessPositions = false;
  /**
   * KurrentDB checks an expected revision only for the stream written to; nothing makes an append wait on another
   * stream's revision (a read before the append would leave a race, not a check). So an append with a condition is
   * refused, never appended unchecked.
   */
  readonly supportsAppendConditions = false;
  readonly client: KurrentDBClient;
  private readonly enforceUniqueEventIds: boolean;
  private readonly capacity: number | undefined;
  private readonly disposeClientOnClose: boolean;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<BufferedSubscription>();
  private closed = false;

  constructor(connection: string | KurrentDBClient, options: KurrentDbEventStoreOptions = {}) {
    super();
    const ownsClient = typeof connection === 'string';
    this.client = ownsClient ? KurrentDBClient.connectionString(connection) : connection;
    this.enforceUniqueEventIds = options.enforceUniqueEventIds ?? true;
    this.capacity = options.subscriptionCapacity;
    this.disposeClientOnClose = options.disposeClientOnClose ?? ownsClient;
    this.pageSize = Math.max(1, Math.floor(options.readPageSize ?? 500));
  }

  /**
   * Appends after reserving the ids. A request whose reservation was already taken by this same stream may race a
   * twin (a retry of the same submission in flight): it looks for the twin's events first, and again after any
   * failure, with leader reads, so the race ends in the original result rather than a 409 or a timeout.
   */
  async append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (options.condition) throw new AppendConditionsUnsupportedError(this.name);
    validateEventsToAppend(streamId, events);
    let mayHaveTwin = this.enforceUniqueEventIds && (await this.reserveEventIds(streamId, events));
    for (let attempt = 1; ; attempt += 1) {
      if (mayHaveTwin) {
        const previous = await this.alreadyAppended(streamId, events, expected);
        if (previous) return previous;
      }
      try {
        const result = await this.appendOnce(streamId, events, expected, mayHaveTwin);
        return mayHaveTwin ? await this.confirmAppended(streamId, events, expected, result) : result;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) {
          // A twin may have written these very events first: then this request is its retry, not a conflict.
          const previous = await this.alreadyAppended(streamId, events, expected);
          if (previous) return previous;
          throw error;
        }
        if (!isTimeout(error)) throw error;
        // Dropped as a duplicate of a twin in flight, or just slow: the twin's (or our own) write may land.
        const previous = await this.alreadyAppended(streamId, events, expected);
        if (previous) return previous;
        // Re-sending is safe only with an exact expectation: the server then refuses a second copy.
        if (expected === 'any' || attempt >= APPEND_ATTEMPTS) throw error;
        mayHaveTwin = true;
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.readStreamEvents(streamId, options, false);
  }

  /**
   * Pages through $all with the server's stream filter and its maxCount, so the server neither sends what we would
   * drop nor reads past what we asked for; each page is read to its end (see drain()).
   */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const limit = options.maxCount === undefined ? Number.POSITIVE_INFINITY : Math.floor(options.maxCount);
    if (limit <= 0) return [];
    const filter = streamNameFilter({ regex: applicationStreamsRegex(options.streamPrefixes) });
    const events: StoredEvent[] = [];
    let from = options.after ?? START;
    if (options.to !== undefined && options.to <= from) return [];
    for (;;) {
      const wanted = Math.min(limit - events.length, this.pageSize);
      // fromPosition is inclusive: the event at `from` comes back too (when it matches), hence one more.
      const maxCount = from === START ? wanted : wanted + 1;
      const page = await drain(
        this.client.readAll({ direction: FORWARDS, fromPosition: readPositionAt(from), maxCount, filter }),
      );
      for (const resolved of page) {
        const event = toStoredEvent(resolved);
        if (!event || event.position <= from) continue;
        if (options.to !== undefined && event.position > options.to) return events;
        // The server filtered already; this guards against a server that ignored the filter.
        if (
          !isApplicationStream(event.streamId) ||
          !matchesPrefixes(event.streamId, options.streamPrefixes)
        ) {
          continue;
        }
        events.push(event);
        if (events.length >= limit) return events;
      }
      const last = page.length > 0 ? toStoredEvent(page[page.length - 1]) : undefined;
      if (page.length < maxCount || !last || last.position <= from) return events;
      from = last.position;
    }
  }

  async readAt(position: number): Promise<StoredEvent | undefined> {
    if (!Number.isSafeInteger(position) || position < 0) return undefined;
    let page: AllStreamResolvedEvent[];
    try {
      page = await drain(
        this.client.readAll({ direction: FORWARDS, fromPosition: readPositionAt(position), maxCount: 1 }),
      );
    } catch (error) {
      // A number that is not a record boundary fails the read on the server ("invalid position", which the client
      // reports as an UnknownError). Tell that from a store that is down by asking it something harmless.
      if (!(error instanceof UnknownError)) throw error;
      await this.ping();
      return undefined;
    }
    const event = page[0] && toStoredEvent(page[0]);
    return event && event.position === position && isApplicationStream(event.streamId) ? event : undefined;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    if (this.closed) throw new Error('The event store is closed');
    const after = options.after ?? START;
    const prefixes = options.streamPrefixes;
    const subscription: BufferedSubscription = new BufferedSubscription(
      async (sink) => {
        const source = this.client.subscribeToAll({
          fromPosition: readPositionAt(after),
          // One regex: the server drops system events and reservations before sending (and other prefixes).
          filter: streamNameFilter({ regex: applicationStreamsRegex(prefixes) }),
        });
        const stop = (): void => void source.unsubscribe().catch(() => undefined);
        sink.signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const resolved of source) {
            const event = toStoredEvent(resolved);
            // Guards: a subscription's fromPosition is exclusive on the server, and its filter already applied.
            if (!event || !isApplicationStream(event.streamId) || event.position <= after) continue;
            if (!matchesPrefixes(event.streamId, prefixes)) continue;
            // Awaiting the push stops pulling from the gRPC stream while the buffer is full.
            if (!(await sink.push([event]))) return;
          }
        } finally {
          sink.signal.removeEventListener('abort', stop);
          await source.unsubscribe().catch(() => undefined);
        }
      },
      { capacity: this.capacity, onClose: () => void this.subscriptions.delete(subscription) },
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    // Filtered on the server: a burst of reservations left by failed appends must not hide the head.
    const [last] = await drain(
      this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        filter: streamNameFilter({ regex: applicationStreamsRegex() }),
      }),
    );
    const event = last && toStoredEvent(last);
    return event && isApplicationStream(event.streamId) ? event.position : START;
  }

  /**
   * With `after` (a time index's bound), forward from there until the first event recorded later: the cost is the
   * events in between. Without it, backwards from the end, a page at a time, until one recorded at or before.
   */
  async positionAt(instant: Date, options: PositionAtOptions = {}): Promise<number> {
    const limit = instant.getTime();
    const filter = streamNameFilter({ regex: applicationStreamsRegex() });
    if (options.after !== undefined) {
      let answer = options.after;
      let from = options.after;
      for (;;) {
        const maxCount = from === START ? this.pageSize : this.pageSize + 1;
        const page = await drain(
          this.client.readAll({ direction: FORWARDS, fromPosition: readPositionAt(from), maxCount, filter }),
        );
        for (const resolved of page) {
          const event = toStoredEvent(resolved);
          if (!event || event.position <= from || !isApplicationStream(event.streamId)) continue;
          if (event.recordedAt.getTime() > limit) return answer;
          answer = event.position;
        }
        const last = page.length > 0 ? toStoredEvent(page[page.length - 1]) : undefined;
        if (page.length < maxCount || !last || last.position <= from) return answer;
        from = last.position;
      }
    }
    let from: ReadPosition = END;
    for (;;) {
      // Backwards, a position is exclusive: the read returns the events that end at or before it.
      const page = await drain(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: this.pageSize, filter }),
      );
      for (const resolved of page) {
        const event = toStoredEvent(resolved);
        if (event && isApplicationStream(event.streamId) && event.recordedAt.getTime() <= limit) {
          return event.position;
        }
      }
      const last = page.length > 0 ? toStoredEvent(page[page.length - 1]) : undefined;
      if (page.length < this.pageSize || !last || last.position < 0) return START;
      from = readPositionAt(last.position);
    }
  }

  async ping(): Promise<void> {
    await drain(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.disposeClientOnClose) await this.client.dispose();
  }

  private async readStreamEvents(
    streamId: string,
    options: ReadStreamOptions,
    requiresLeader: boolean,
  ): Promise<StoredEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    try {
      const resolved = await drain(
        this.client.readStream(streamId, {
          direction: FORWARDS,
          fromRevision: BigInt(Math.max(0, options.fromRevision ?? 0)),
          maxCount: options.maxCount === undefined ? undefined : Math.floor(options.maxCount),
          requiresLeader,
        }),
      );
      return resolved.map(toStoredEvent).filter((event): event is StoredEvent => event !== undefined);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async appendOnce(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    mayHaveTwin: boolean,
  ): Promise<AppendResult> {
    let result: KurrentAppendResult;
    try {
      result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata }),
        ),
        {
          streamState: toStreamState(expected),
          ...(mayHaveTwin ? { deadline: TWIN_APPEND_DEADLINE_MS } : {}),
        },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualState === NO_STREAM ? 'no_stream' : Number(error.actualState);
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw error;
    }
    // With throwOnAppendFailure=false in the connection string the client resolves a conflict instead of throwing.
    if (!result.success) throw new WrongExpectedRevisionError(streamId, expected, actualRevision(result));
    const revision = Number(result.nextExpectedRevision);
    // The commit position of an implicit transaction is its last event's record (StorageChaser.CommitChased).
    const position =
      result.position !== undefined
        ? Number(result.position.commit)
        : await this.positionOf(streamId, revision);
    return { streamId, revision, position, alreadyStored: false };
  }

  /**
   * After a successful append that may have raced a twin: the server answers a write whose ids it already holds
   * with the original's revisions as if it had written it (RequestManagerBase.AlreadyCommitted), so look at what
   * is stored. The same facts as ours: our write, durable. Other data under our ids: the twin's, so alreadyStored
   * (the caller checks the data, as the port asks).
   */
  private async confirmAppended(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    result: AppendResult,
  ): Promise<AppendResult> {
    const stored = await this.storedWithIds(streamId, events);
    if (stored.length === 0) return result;
    const original = resolveAlreadyAppended(streamId, events, expected, stored);
    const byId = new Map(stored.map((event) => [event.eventId.toLowerCase(), event]));
    const same = events.every((event) => {
      const found = byId.get(event.eventId.toLowerCase());
      return (
        found !== undefined &&
        found.type === event.type &&
        sameJson(found.data, event.data) &&
        sameJson(found.metadata, event.metadata)
      );
    });
    return same ? { ...original, alreadyStored: false } : original;
  }

  /**
   * Claims each event id for this stream. Returns whether some id had already been claimed for this same stream,
   * i.e. this request may retry one that was (partly) written, or race one in flight; throws DuplicateEventIdError
   * if another stream holds one. A claim whose append then failed stays: the id stays bound to that stream, which
   * is what a deterministic id derived from a submission needs, and free for a later append to it.
   */
  private async reserveEventIds(streamId: string, events: EventToAppend[]): Promise<boolean> {
    const outcomes = await Promise.all(events.map((event) => this.claim(streamId, event.eventId)));
    return outcomes.some((outcome) => outcome === 'held');
  }

  private async claim(streamId: string, eventId: string): Promise<'claimed' | 'held'> {
    const reservation = `${EVENT_ID_RESERVATION_PREFIX}${eventId.toLowerCase()}`;
    for (let attempt = 1; ; attempt += 1) {
      if (await this.tryClaim(reservation, streamId)) return 'claimed';
      // Leader reads: a follower may not have the winning claim yet, and "no owner" must not become a 409.
      const [claim] = await this.readStreamEvents(reservation, { maxCount: 1 }, true);
      const owner = typeof claim?.data.streamId === 'string' ? claim.data.streamId : undefined;
      if (owner === streamId) return 'held';
      if (owner !== undefined) throw new DuplicateEventIdError(eventId, owner);
      // The claim that beat ours is written but not committed yet (or was lost): look again, then claim again.
      if (attempt >= CLAIM_ATTEMPTS) {
        throw new Error(`Event id reservation ${reservation} exists but its claim cannot be read`);
      }
      await sleep(25 * 2 ** attempt);
    }
  }

  private async tryClaim(reservation: string, streamId: string): Promise<boolean> {
    try {
      const result = await this.client.appendToStream(
        reservation,
        // A fresh id: reusing the event id would make KurrentDB's own idempotence accept a second claim.
        jsonEvent({ id: uuidv4(), type: RESERVATION_EVENT_TYPE, data: { streamId } }),
        { streamState: NO_STREAM },
      );
      // With throwOnAppendFailure=false a taken claim resolves with success: false instead of throwing.
      return result.success;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }

  /** The original result when this exact append is already stored (same rule as the postgres adapter). */
  private async alreadyAppended(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | undefined> {
    const existing = await this.storedWithIds(streamId, events);
    if (existing.length === 0) return undefined;
    return resolveAlreadyAppended(streamId, events, expected, existing);
  }

  /** The stored events of this stream that carry one of the request's ids, read on the leader. */
  private async storedWithIds(
    streamId: string,
    events: EventToAppend[],
  ): Promise<Array<StoredEvent & StoredEventRef>> {
    const ids = new Set(events.map((event) => event.eventId.toLowerCase()));
    const stored = await this.readStreamEvents(streamId, {}, true);
    return stored.filter((event) => ids.has(event.eventId.toLowerCase()));
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStreamEvents(streamId, { fromRevision: revision, maxCount: 1 }, true);
    return event?.position ?? START;
  }
}

/**
 * Reads a client read to its end. The native bridge behind readAll/readStream (@kurrent/bridge) has no way to
 * cancel a read: an iterator left early keeps its gRPC call open until garbage collection. So every read asks the
 * server for a bounded maxCount and is consumed to the end, where the server completes the call itself.
 */
async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  return BigInt(expected);
}

/**
 * Our positions are commit positions of gRPC-written events, where prepare = commit, so the pair addresses the
 * event's own record. Forwards the server reads from it inclusively (callers drop the event at `from`: the port's
 * `after` is exclusive); backwards, exclusively. A number that is not a record boundary fails the read.
 */
function readPositionAt(position: number): ReadPosition {
  if (position < 0) return KURRENT_START;
  return { commit: BigInt(position), prepare: BigInt(position) };
}

/** The stream's revision named by a failed append's result: -1 (or nothing) means it does not exist. */
function actualRevision(result: { nextExpectedRevision: bigint }): number | 'no_stream' {
  const revision = Number(result.nextExpectedRevision);
  return revision < 0 ? 'no_stream' : revision;
}

/** The server's "operation timed out" (gRPC ABORTED) and the client's deadline. */
function isTimeout(error: unknown): boolean {
  return error instanceof TimeoutError || error instanceof DeadlineExceededError;
}

/** Stored JSON against what was sent (which may hold undefined fields that JSON drops). */
function sameJson(stored: unknown, sent: unknown): boolean {
  return isDeepStrictEqual(stored, JSON.parse(JSON.stringify(sent ?? {})));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
