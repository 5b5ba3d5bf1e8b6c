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
 * The port's position is the KurrentDB commit position. Reads of one stream only carry it from server 22.6 on;
 * without it the event gets START, which callers of readStream do not rely on.
 */
export function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  return {
    eventId: event.id,
    type: event.type,
    data: toJsonObject(event.data),
    metadata: toJsonObject(event.metadata),
    streamId: event.streamId,
    revision: Number(event.revision),
    position: commit === undefined ? -1 : Number(commit),
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
