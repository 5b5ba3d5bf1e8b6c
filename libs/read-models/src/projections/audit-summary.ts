import type { StoredEvent } from '@tally/event-store';
import { asCounts, asDefinition, asPlacement } from './fact-shapes';

const n = (value: number) => value.toLocaleString('en-US');
const MAX_LISTED_FIELDS = 3;

/** One line a person can scan in the audit trail; the full facts stay in the event. */
export function auditSummary(event: StoredEvent): string {
  const data = event.data;
  switch (event.type) {
    case 'ElectionDefined': {
      const d = asDefinition(data.definition);
      if (!d) return `Election defined (malformed definition) on ${event.streamId}`;
      const units = d.contests.reduce((sum, c) => sum + (c.electoralUnits?.length ?? 0), 0);
      return (
        `Election ${d.electionId} defined: ${n(d.districts.length)} districts, ` +
        `${n(d.pollingAreas.length)} polling areas, ${n(d.contests.length)} contests, ${n(units)} electoral units`
      );
    }
    case 'TallySubmitted': {
      const p = asPlacement(data);
      const c = asCounts(data.counts);
      if (!p || !c) return `Tally submitted (malformed) on ${event.streamId}`;
      return `Tally submitted for ${p.pollingAreaId} / ${p.contestId}: ${n(c.validBallots)} valid, ${n(c.invalidBallots)} invalid`;
    }
    case 'TallyCorrected': {
      const p = asPlacement(data);
      const c = asCounts(data.counts);
      if (!p || !c) return `Tally corrected (malformed) on ${event.streamId}`;
      const fields = Array.isArray(data.changedFields) ? data.changedFields.map(String) : [];
      const listed = fields.slice(0, MAX_LISTED_FIELDS).join(', ');
      const more = fields.length > MAX_LISTED_FIELDS ? ` and ${fields.length - MAX_LISTED_FIELDS} more` : '';
      const changed = fields.length > 0 ? `; changed ${listed}${more}` : '';
      return `Tally corrected for ${p.pollingAreaId} / ${p.contestId}: ${n(c.validBallots)} valid, ${n(c.invalidBallots)} invalid${changed}`;
    }
    case 'TallyScanAttached': {
      const p = asPlacement(data);
      const { digest, size, contentType } = data;
      if (!p || typeof digest !== 'string' || typeof size !== 'number' || typeof contentType !== 'string')
        return `Scan attached (malformed) on ${event.streamId}`;
      return `Scan attached for ${p.pollingAreaId} / ${p.contestId}: ${contentType}, ${n(size)} bytes, SHA-256 ${digest}`;
    }
    case 'TurnoutReported': {
      const { pollingAreaId, votersVoted, asOf } = data;
      if (typeof pollingAreaId !== 'string' || typeof votersVoted !== 'number' || typeof asOf !== 'string')
        return `Turnout reported (malformed) on ${event.streamId}`;
      return `Turnout reported for ${pollingAreaId}: ${n(votersVoted)} voted as of ${asOf}`;
    }
    default:
      return `${event.type} on ${event.streamId}`;
  }
}
