import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import type { Projection } from '../projection';

const MINUTE_MS = 60_000;

/**
 * A sparse index of recorded time → position for time travel: one row per minute of recorded time that holds
 * events, with the last (highest) position recorded in that minute and that event's time. Each row is the maximum
 * over the minute's events, so the rows are the same for any batching and redelivery (a pure function of the
 * events). EventStore.positionAt then starts at the last row recorded before the instant (TimeIndexQueries)
 * instead of scanning the log: the cost is the events of one minute, not of the whole log after the instant.
 * It sees the projected streams only, which is enough: any position recorded before the instant is a valid bound.
 */
export class TimeIndexProjection implements Projection {
  static readonly NAME = 'time-index';
  readonly name: string = TimeIndexProjection.NAME;
  readonly version: number = 1;
  readonly tables = ['rm_time_index'];

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const lastByMinute = new Map<number, StoredEvent>();
    for (const event of events) {
      const minute = Math.floor(new Date(event.recordedAt).getTime() / MINUTE_MS) * MINUTE_MS;
      const known = lastByMinute.get(minute);
      if (!known || event.position > known.position) lastByMinute.set(minute, event);
    }
    if (lastByMinute.size === 0) return;
    const rows = [...lastByMinute].map(([minute, event]) => ({
      minute: new Date(minute).toISOString(),
      position: event.position,
      recorded_at: new Date(event.recordedAt).toISOString(),
    }));
    // The higher position wins (and brings its time along): a redelivered or earlier event changes nothing.
    await manager.query(
      `INSERT INTO rm_time_index (minute, position, recorded_at)
       SELECT minute, position, recorded_at
         FROM jsonb_to_recordset($1::jsonb) AS x(minute timestamptz, position bigint, recorded_at timestamptz)
       ON CONFLICT (minute) DO UPDATE
         SET position = EXCLUDED.position, recorded_at = EXCLUDED.recorded_at
         WHERE EXCLUDED.position > rm_time_index.position`,
      [JSON.stringify(rows)],
    );
  }
}
