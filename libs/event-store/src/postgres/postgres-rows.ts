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
  /** recorded_at in milliseconds since the epoch, cut as node-postgres cuts it to a Date, without its slow parse. */
  recorded_ms: number;
}

/**
 * The columns of an event, with the metadata as stored or, given `metadataSql` (metadataColumn), only some keys.
 * recorded_at comes as a number of milliseconds: parsing the timestamp text cost about a tenth of a long read.
 */
export function eventColumns(metadataSql = 'metadata'): string {
  return `position, event_id, stream_id, revision, type, data, ${metadataSql} AS metadata,
          floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms`;
}

export const EVENT_COLUMNS = eventColumns();

/**
 * The metadata column cut to `keys` (each present one as stored), for eventColumns: the keys go in as the query's
 * parameters from `firstParameter` on ($n), never into the SQL text.
 */
export function metadataColumn(keys: readonly string[], firstParameter: number): string {
  const picks = keys.map((_, index) => {
    const key = `$${firstParameter + index}::text`;
    return `CASE WHEN metadata ? ${key} THEN jsonb_build_object(${key}, metadata -> ${key}) ELSE '{}'::jsonb END`;
  });
  return picks.length === 0 ? `'{}'::jsonb` : `(${picks.join(' || ')})`;
}

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
    recordedAt: new Date(row.recorded_ms),
  };
}

/** LIKE patterns for "starts with": the prefix's own %, _ and \ must match literally. */
export function likePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
