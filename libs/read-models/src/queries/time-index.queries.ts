import { START } from '@tally/event-store';
import type { DataSource } from 'typeorm';

/** Reads the time index (time-index.projection.ts). */
export class TimeIndexQueries {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The highest indexed position recorded strictly before `instant` (START when none is known yet): a bound for
   * EventStore.positionAt(instant, { after }). Strictly: stored times have millisecond precision, so an event at
   * the very millisecond of the instant might lie just after it.
   */
  async positionBefore(instant: Date): Promise<number> {
    const rows: Array<{ position: string }> = await this.dataSource.query(
      `SELECT position FROM rm_time_index WHERE minute <= $1 AND recorded_at < $1 ORDER BY minute DESC LIMIT 1`,
      [instant],
    );
    return rows[0] ? Number(rows[0].position) : START;
  }
}
