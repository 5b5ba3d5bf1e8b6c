import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import {
  ELECTION_STREAM_PREFIX,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
  UNIT_STREAM_PREFIX,
} from '@tally/domain';
import { consoleLogger, isProjectedStream, Projection, ProjectionLogger } from '../projection';
import { auditSummary, SUMMARISED_EVENT_TYPES } from './audit-summary';
import { asDefinition } from './fact-shapes';

/**
 * Every event of the election, tally and turnout streams, one row each, keyed by global position (so replaying a row is a
 * no-op). Unlike the results, an event type this code does not know is still listed, with a generic summary:
 * an audit trail that silently drops facts would be worse than a terse line.
 */
export class AuditTrailProjection implements Projection {
  static readonly NAME = 'audit-trail';
  readonly name: string = AuditTrailProjection.NAME;
  /** 2: request and correlation ids (a rebuild fills them for every stored event). */
  readonly version: number = 2;
  readonly tables = ['rm_audit_entries'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const rows = events.filter((e) => isProjectedStream(e.streamId)).flatMap((e) => this.toRow(e));
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO rm_audit_entries
         (position, election_id, stream_id, revision, type, recorded_at, actor, reason, summary,
          polling_area_id, contest_id, district_id, request_id, correlation_id)
       SELECT position, election_id, stream_id, revision, type, recorded_at, actor, reason, summary,
              polling_area_id, contest_id, district_id, request_id, correlation_id
       FROM jsonb_to_recordset($1::jsonb) AS x(
         position bigint, election_id text, stream_id text, revision integer, type text, recorded_at timestamptz,
         actor jsonb, reason text, summary text, polling_area_id text, contest_id text, district_id text,
         request_id text, correlation_id text)
       ON CONFLICT (position) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  private toRow(event: StoredEvent): object[] {
    const electionId = electionIdOf(event);
    if (!electionId) {
      this.logger.warn(
        `[projection ${this.name}] skipped ${event.type} at position ${event.position}: no election id in ${event.streamId}`,
      );
      return [];
    }
    if (!SUMMARISED_EVENT_TYPES.includes(event.type)) {
      this.logger.warn(
        `[projection ${this.name}] unknown event type ${event.type} at position ${event.position}`,
      );
    }
    const d = event.data;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const actor = event.metadata?.actor;
    return [
      {
        position: event.position,
        election_id: electionId,
        stream_id: event.streamId,
        revision: event.revision,
        type: event.type,
        recorded_at: isoTime(event.recordedAt),
        actor: typeof actor === 'object' && actor !== null ? actor : { id: 'unknown' },
        reason: text(d.reason),
        summary: auditSummary(event),
        polling_area_id: text(d.pollingAreaId),
        contest_id: text(d.contestId),
        district_id: text(d.districtId),
        request_id: text(event.metadata?.requestId),
        correlation_id: text(event.metadata?.correlationId),
      },
    ];
  }
}

/** From the data when it says, else from the stream id (election-<e>, tally-<e>.<area>.<contest>, turnout-<e>.<area>). */
function electionIdOf(event: StoredEvent): string | null {
  const fromData = event.data.electionId ?? asDefinition(event.data.definition)?.electionId;
  if (typeof fromData === 'string' && fromData.length > 0) return fromData;
  if (event.streamId.startsWith(ELECTION_STREAM_PREFIX))
    return event.streamId.slice(ELECTION_STREAM_PREFIX.length);
  for (const prefix of [TALLY_STREAM_PREFIX, TURNOUT_STREAM_PREFIX, UNIT_STREAM_PREFIX]) {
    if (event.streamId.startsWith(prefix)) return event.streamId.slice(prefix.length).split('.')[0] || null;
  }
  return null;
}

/** An adapter hands a Date; a bad one must not abort the batch (the column is NOT NULL, so fall back to epoch). */
function isoTime(value: unknown): string {
  const date = new Date(value as Date);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}
