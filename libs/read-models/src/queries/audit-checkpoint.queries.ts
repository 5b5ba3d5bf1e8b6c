import { readSnapshot } from './read-snapshot';
import type { ReadDatabase } from './read-router';

/** The published digest of an election (GET /elections/{e}/audit/checkpoint). */
export interface AuditCheckpoint {
  electionId: string;
  /** Global position of the last event of the election the digest covers. */
  position: number;
  /** How many events of the election the digest covers. */
  eventCount: number;
  /** digest_n, lowercase hex (see "For auditors" in the README). */
  digest: string;
  /** When the last covered event was recorded, ISO 8601. */
  at: string;
}

export class AuditCheckpointQueries {
  constructor(private readonly dataSource: ReadDatabase) {}

  /** Null when no event of the election has been projected. */
  async checkpoint(electionId: string): Promise<AuditCheckpoint | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const rows: Array<Record<string, unknown>> = await manager.query(
        'SELECT * FROM rm_audit_digests WHERE election_id = $1',
        [electionId],
      );
      return rows.length === 0 ? null : toCheckpoint(rows[0]);
    });
  }

  /** Every election's checkpoint (what `verify` compares with). */
  async all(): Promise<AuditCheckpoint[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      'SELECT * FROM rm_audit_digests ORDER BY election_id',
    );
    return rows.map(toCheckpoint);
  }
}

function toCheckpoint(r: Record<string, unknown>): AuditCheckpoint {
  return {
    electionId: r.election_id as string,
    position: Number(r.position),
    eventCount: Number(r.event_count),
    digest: r.digest as string,
    at: new Date(r.recorded_at as Date).toISOString(),
  };
}
