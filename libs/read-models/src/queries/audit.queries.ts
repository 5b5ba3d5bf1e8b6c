import { START } from '@tally/event-store';
import { AuditTrailProjection } from '../projections/audit-trail.projection';
import type { AuditItem, AuditListOptions, AuditPage } from './audit.shapes';
import { checkpointPosition, readSnapshot } from './read-snapshot';
import type { ReadDatabase } from './read-router';

export const MAX_AUDIT_PAGE = 1000;

export class AuditQueries {
  constructor(private readonly dataSource: ReadDatabase) {}

  /** Null when no event of the election has been projected (unknown election). */
  async list(electionId: string, options: AuditListOptions): Promise<AuditPage | null> {
    const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_AUDIT_PAGE);
    const after = options.after ?? START;
    return readSnapshot(this.dataSource, async (manager) => {
      const [known] = await manager.query(
        'SELECT EXISTS (SELECT 1 FROM rm_audit_entries WHERE election_id = $1) AS known',
        [electionId],
      );
      if (!known.known) return null;
      const position = await checkpointPosition(manager, AuditTrailProjection.NAME);
      // One extra row tells whether another page follows without a second query.
      const { where, params } = filters(options, [electionId, after, limit + 1]);
      const rows: Array<Record<string, unknown>> = await manager.query(
        `SELECT * FROM rm_audit_entries WHERE election_id = $1 AND position > $2 ${where}
         ORDER BY position LIMIT $3`,
        params,
      );
      const items = rows.slice(0, limit).map(toItem);
      const nextCursor = rows.length > limit ? items[items.length - 1].position : null;
      return { electionId, position, items, nextCursor };
    });
  }
}

/** The optional filters as SQL conditions on numbered parameters after the fixed ones. */
function filters(options: AuditListOptions, params: unknown[]): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => {
    if (value === undefined) return;
    params.push(value instanceof Date ? value.toISOString() : value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  add('district_id = ?', options.districtId);
  add('polling_area_id = ?', options.pollingAreaId);
  add('contest_id = ?', options.contestId);
  add("actor->>'id' = ?", options.actor);
  add('type = ?', options.type);
  add('recorded_at >= ?::timestamptz', options.from);
  add('recorded_at <= ?::timestamptz', options.to);
  return { where: conditions.map((c) => `AND ${c}`).join(' '), params };
}

function toItem(r: Record<string, unknown>): AuditItem {
  return {
    position: Number(r.position),
    streamId: r.stream_id as string,
    revision: Number(r.revision),
    type: r.type as string,
    recordedAt: (r.recorded_at as Date).toISOString(),
    actor: r.actor as Record<string, unknown>,
    reason: (r.reason as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    correlationId: (r.correlation_id as string | null) ?? null,
    summary: r.summary as string,
    pollingAreaId: (r.polling_area_id as string | null) ?? null,
    contestId: (r.contest_id as string | null) ?? null,
    districtId: (r.district_id as string | null) ?? null,
  };
}
