import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import { digestHashOf, electionIdOfStream, GENESIS_HASH, nextDigest } from '@tally/domain';
import { consoleLogger, isProjectedStream, Projection, ProjectionLogger } from '../projection';

export interface DigestState {
  position: number;
  eventCount: number;
  digest: string;
  recordedAt: Date;
}

/**
 * Folds one event into its election's running digest (libs/domain/src/audit/hash-chain.ts): the one rule the
 * projection, `verify` and `verify-export` share. Returns the state unchanged for an event at or before its position.
 */
export function foldDigest(state: DigestState | undefined, event: StoredEvent): DigestState {
  if (state && event.position <= state.position) return state;
  return {
    position: event.position,
    eventCount: (state?.eventCount ?? 0) + 1,
    digest: nextDigest(state?.digest ?? GENESIS_HASH, digestHashOf(event)),
    recordedAt: event.recordedAt,
  };
}

/** Per election: the running digest over its events in global order, its event count and last position. */
export class AuditDigestProjection implements Projection {
  static readonly NAME = 'audit-digest';
  readonly name: string = AuditDigestProjection.NAME;
  readonly version: number = 1;
  readonly tables = ['rm_audit_digests'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const byElection = new Map<string, StoredEvent[]>();
    for (const event of events) {
      if (!isProjectedStream(event.streamId)) continue;
      const electionId = electionIdOfStream(event.streamId);
      if (!electionId) {
        this.logger.warn(`[projection ${this.name}] no election id in ${event.streamId}`);
        continue;
      }
      const list = byElection.get(electionId) ?? [];
      list.push(event);
      byElection.set(electionId, list);
    }
    if (byElection.size === 0) return;
    const rows: Array<Record<string, unknown>> = await manager.query(
      'SELECT * FROM rm_audit_digests WHERE election_id = ANY($1::text[]) FOR UPDATE',
      [[...byElection.keys()]],
    );
    const states = new Map<string, DigestState>(rows.map((r) => [r.election_id as string, toState(r)]));
    const changed: object[] = [];
    for (const [electionId, list] of byElection) {
      let state = states.get(electionId);
      for (const event of list) state = foldDigest(state, event);
      changed.push({
        election_id: electionId,
        position: state!.position,
        event_count: state!.eventCount,
        digest: state!.digest,
        recorded_at: new Date(state!.recordedAt).toISOString(),
      });
    }
    await manager.query(
      `INSERT INTO rm_audit_digests (election_id, position, event_count, digest, recorded_at)
       SELECT election_id, position, event_count, digest, recorded_at
       FROM jsonb_to_recordset($1::jsonb) AS x(election_id text, position bigint, event_count bigint, digest text,
                                               recorded_at timestamptz)
       ON CONFLICT (election_id) DO UPDATE SET position = EXCLUDED.position, event_count = EXCLUDED.event_count,
         digest = EXCLUDED.digest, recorded_at = EXCLUDED.recorded_at`,
      [JSON.stringify(changed)],
    );
  }
}

export function toState(r: Record<string, unknown>): DigestState {
  return {
    position: Number(r.position),
    eventCount: Number(r.event_count),
    digest: r.digest as string,
    recordedAt: r.recorded_at as Date,
  };
}
