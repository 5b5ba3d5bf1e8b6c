import {
  ANY,
  type AppendStreamState,
  BACKWARDS,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  type ReadPosition,
  START as KURRENT_START,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { v4 as uuidv4 } from 'uuid';
import { resolveAlreadyAppended, type StoredEventRef, validateEventsToAppend } from '../append-rules';
import {
  type AppendResult,
  DuplicateEventIdError,
  EventStore,
  type EventSubscription,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  START,
  type StoredEvent,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { BufferedSubscription } from '../subscription';
import {
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
   */
  enforceUniqueEventIds?: boolean;
  /** Events a subscription buffers ahead of its consumer. */
  subscriptionCapacity?: number;
  /** Dispose the client on close(). Defaults to true for a client the store built, false for one it was given. */
  disposeClientOnClose?: boolean;
}

const RESERVATION_EVENT_TYPE = 'EventIdReserved';
/** Matches every stream not starting with `$`, so the server drops system events before sending them. */
const NON_SYSTEM_STREAMS = '^[^$]';
/** Streams that hold application events: neither system streams nor this adapter's id reservations. */
const APPLICATION_STREAMS = `^(?!\\$|${EVENT_ID_RESERVATION_PREFIX})`;

/** The event store on KurrentDB / EventStoreDB 24.10+ (production default). Positions are commit positions. */
export class KurrentDbEventStore extends EventStore {
  readonly name = 'kurrentdb' as const;
  readonly client: KurrentDBClient;
  private readonly enforceUniqueEventIds: boolean;
  private readonly capacity: number | undefined;
  private readonly disposeClientOnClose: boolean;
  private readonly subscriptions = new Set<BufferedSubscription>();
  private closed = false;

  constructor(connection: string | KurrentDBClient, options: KurrentDbEventStoreOptions = {}) {
    super();
    const ownsClient = typeof connection === 'string';
    this.client = ownsClient ? KurrentDBClient.connectionString(connection) : connection;
    this.enforceUniqueEventIds = options.enforceUniqueEventIds ?? true;
    this.capacity = options.subscriptionCapacity;
    this.disposeClientOnClose = options.disposeClientOnClose ?? ownsClient;
  }

  async append(streamId: string, events: EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    validateEventsToAppend(streamId, events);
    if (this.enforceUniqueEventIds) {
      const retried = await this.reserveEventIds(streamId, events);
      if (retried) {
        const previous = await this.alreadyAppended(streamId, events, expected);
        if (previous) return previous;
      }
    }
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata }),
        ),
        { streamState: toStreamState(expected) },
      );
      // With throwOnAppendFailure=false in the connection string the client resolves a conflict instead of throwing.
      if (!result.success) throw new WrongExpectedRevisionError(streamId, expected, actualRevision(result));
      const revision = Number(result.nextExpectedRevision);
      const position =
        result.position !== undefined
          ? Number(result.position.commit)
          : await this.positionOf(streamId, revision);
      return { streamId, revision, position, alreadyStored: false };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualState === NO_STREAM ? 'no_stream' : Number(error.actualState);
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(Math.max(0, options.fromRevision ?? 0)),
        maxCount: options.maxCount,
      })) {
        const event = toStoredEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after ?? START;
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (maxCount <= 0) return [];
    const events: StoredEvent[] = [];
    // Prefixes are applied here rather than by a server filter so that the reservation streams and events at
    // `after` itself (the server's fromPosition is inclusive) are dropped by the same code path.
    for await (const resolved of this.client.readAll({
      direction: FORWARDS,
      fromPosition: readPositionAfter(after),
    })) {
      const event = toStoredEvent(resolved);
      if (!event || !isApplicationStream(event.streamId) || event.position <= after) continue;
      if (options.to !== undefined && event.position > options.to) break;
      if (!matchesPrefixes(event.streamId, options.streamPrefixes)) continue;
      events.push(event);
      if (events.length >= maxCount) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    if (this.closed) throw new Error('The event store is closed');
    const after = options.after ?? START;
    const prefixes = options.streamPrefixes;
    const subscription: BufferedSubscription = new BufferedSubscription(
      async (sink) => {
        const source = this.client.subscribeToAll({
          fromPosition: readPositionAfter(after),
          filter:
            prefixes && prefixes.length > 0
              ? streamNameFilter({ prefixes })
              : streamNameFilter({ regex: NON_SYSTEM_STREAMS }),
        });
        const stop = (): void => void source.unsubscribe().catch(() => undefined);
        sink.signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const resolved of source) {
            const event = toStoredEvent(resolved);
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
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: 'end',
      maxCount: 50,
      // Filtered on the server: a burst of reservations left by failed appends must not hide the head.
      filter: streamNameFilter({ regex: APPLICATION_STREAMS }),
    })) {
      const event = toStoredEvent(resolved);
      if (event && isApplicationStream(event.streamId)) return event.position;
    }
    return START;
  }

  async positionAt(instant: Date): Promise<number> {
    // Backwards from the end: the first application event recorded at or before the instant.
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: 'end',
      filter: streamNameFilter({ regex: APPLICATION_STREAMS }),
    })) {
      const event = toStoredEvent(resolved);
      if (event && isApplicationStream(event.streamId) && event.recordedAt.getTime() <= instant.getTime()) {
        return event.position;
      }
    }
    return START;
  }

  async ping(): Promise<void> {
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: 'end',
      maxCount: 1,
    })) {
      void resolved;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.disposeClientOnClose) await this.client.dispose();
  }

  /**
   * Claims each event id for this stream. Returns whether some id had already been claimed for this same stream,
   * i.e. this request may retry one that was (partly) written; throws DuplicateEventIdError if another stream
   * holds one. A claim whose append then failed stays: the id stays bound to that stream, which is what a
   * deterministic id derived from a submission needs.
   */
  private async reserveEventIds(streamId: string, events: EventToAppend[]): Promise<boolean> {
    const outcomes = await Promise.all(
      events.map(async (event) => {
        const reservation = `${EVENT_ID_RESERVATION_PREFIX}${event.eventId.toLowerCase()}`;
        let claimed: boolean;
        try {
          const result = await this.client.appendToStream(
            reservation,
            // A fresh id: reusing the event id would make KurrentDB's own idempotence accept a second claim.
            jsonEvent({ id: uuidv4(), type: RESERVATION_EVENT_TYPE, data: { streamId } }),
            { streamState: NO_STREAM },
          );
          // With throwOnAppendFailure=false a taken claim resolves with success: false instead of throwing.
          claimed = result.success;
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          claimed = false;
        }
        if (claimed) return false;
        const [claim] = await this.readStream(reservation, { maxCount: 1 });
        const owner = typeof claim?.data.streamId === 'string' ? claim.data.streamId : undefined;
        if (owner !== streamId) throw new DuplicateEventIdError(event.eventId, owner ?? reservation);
        return true;
      }),
    );
    return outcomes.some(Boolean);
  }

  /** The original result when this exact append is already stored (same rule as the postgres adapter). */
  private async alreadyAppended(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | undefined> {
    const ids = new Set(events.map((event) => event.eventId.toLowerCase()));
    const existing: StoredEventRef[] = (await this.readStream(streamId)).filter((event) =>
      ids.has(event.eventId.toLowerCase()),
    );
    if (existing.length === 0) return undefined;
    return resolveAlreadyAppended(streamId, events, expected, existing);
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? START;
  }
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  return BigInt(expected);
}

/**
 * Our positions are commit positions; KurrentDB records written through gRPC have prepare = commit, so the pair
 * addresses the event at `after` (callers drop it: the port's `after` is exclusive).
 */
function readPositionAfter(after: number): ReadPosition {
  if (after < 0) return KURRENT_START;
  return { commit: BigInt(after), prepare: BigInt(after) };
}

/** The stream's revision named by a failed append's result: -1 (or nothing) means it does not exist. */
function actualRevision(result: { nextExpectedRevision: bigint }): number | 'no_stream' {
  const revision = Number(result.nextExpectedRevision);
  return revision < 0 ? 'no_stream' : revision;
}
