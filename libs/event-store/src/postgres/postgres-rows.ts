import type { JsonObject, StoredEvent } from '../event-store.port';

/** An es_events row as node-postgres returns it: bigint columns arrive as strings to avoid silent precision loss. */
export interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
}

export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';

/** Positions stay far below 2^53 for any election, so a JS number is exact; the check keeps that an invariant. */
export function toSafeNumber(value: string | number): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`Not a safe integer: ${String(value)}`);
  return parsed;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: toSafeNumber(row.revision),
    position: toSafeNumber(row.position),
    recordedAt: row.recorded_at,
  };
}

/** LIKE patterns for "starts with": the prefix's own %, _ and \ must match literally. */
export function likePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
