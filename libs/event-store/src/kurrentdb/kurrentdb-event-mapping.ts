import type { AllStreamResolvedEvent, ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { JsonObject, StoredEvent } from '../event-store.port';

/** Streams that hold this adapter's event id reservations (see KurrentDbEventStore.reserveEventIds). */
export const EVENT_ID_RESERVATION_PREFIX = 'event-id-';

/** System streams ($-prefixed) and the adapter's own bookkeeping are not part of the application's log. */
export function isApplicationStream(streamId: string): boolean {
  return !streamId.startsWith('$') && !streamId.startsWith(EVENT_ID_RESERVATION_PREFIX);
}

export function matchesPrefixes(streamId: string, prefixes: string[] | undefined): boolean {
  return !prefixes || prefixes.length === 0 || prefixes.some((prefix) => streamId.startsWith(prefix));
}

/**
 * The one server-side stream filter of every read of $all and of subscriptions: application streams (neither `$`
 * system streams nor reservations), and when prefixes are given, only those. KurrentDB takes either a regex or
 * prefixes, not both (Streams.Read.cs ConvertToEventFilter), so the prefixes go into the regex: a prefix such as
 * `event-` must not let reservations through. The server matches with .NET regular expressions; this uses only
 * syntax that .NET and JavaScript read alike (anchor, negative lookahead, alternation, escaped literals).
 */
export function applicationStreamsRegex(prefixes?: string[]): string {
  const guard = `^(?!\\$|${escapeRegex(EVENT_ID_RESERVATION_PREFIX)})`;
  if (!prefixes || prefixes.length === 0) return guard;
  return `${guard}(?:${prefixes.map(escapeRegex).join('|')})`;
}

/**
 * Escapes the characters that are special in .NET and JavaScript patterns. Only these: .NET refuses an escaped
 * letter, digit or underscore it does not know (`\_`), so escaping "everything but word characters" is not safe.
 */
function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}#\s]/g, (char) => `\\${char}`);
}

/** KurrentDB sends unsigned 64-bit positions; "no position" arrives as -1 or as 2^64 - 1 (ulong.MaxValue). */
function toPosition(commit: bigint | undefined): number {
  if (commit === undefined || commit < 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) return -1;
  return Number(commit);
}

/**
 * The port's position is the KurrentDB commit position. Events appended through gRPC are implicit transactions:
 * each event's record is its own commit, so commit = prepare = the record's log position (AllReader.cs), one per
 * event. Reads of one stream only carry it from server 22.6 on; without it the event gets START, which callers of
 * readStream do not rely on.
 */
export function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    eventId: event.id,
    type: event.type,
    data: toJsonObject(event.data),
    metadata: toJsonObject(event.metadata),
    streamId: event.streamId,
    revision: Number(event.revision),
    position: toPosition(event.position?.commit ?? resolved.commitPosition),
    recordedAt: event.created,
  };
}

/** Events written by other tools may be binary or carry no metadata; the port promises a JSON object. */
function toJsonObject(value: unknown): JsonObject {
  if (value instanceof Uint8Array) {
    if (value.length === 0) return {};
    try {
      return toJsonObject(JSON.parse(Buffer.from(value).toString('utf8')) as unknown);
    } catch {
      return { binary: Buffer.from(value).toString('base64') };
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  return { value };
}
