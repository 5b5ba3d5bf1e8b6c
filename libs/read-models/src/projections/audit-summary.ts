import type { StoredEvent } from '@tally/event-store';
import { asCounts, asDefinition, asPlacement } from './fact-shapes';

const n = (value: number) => value.toLocaleString('en-US');
const MAX_LISTED_FIELDS = 3;

/** The event types auditSummary knows; any other is still listed, with a generic line. */
export const SUMMARISED_EVENT_TYPES: readonly string[] = [
  'ElectionDefined',
  'ElectionAmended',
  'TallySubmitted',
  'TallyCorrected',
  'TallyScanAttached',
  'TallySecondEntryRecorded',
  'TallyDiscrepancyResolved',
  'TallyReviewed',
  'TurnoutReported',
  'UnitCertified',
  'UnitCertificationRevoked',
  'UnitResultAnnulled',
];

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
    case 'ElectionAmended': {
      const changes = Array.isArray(data.changes) ? data.changes : [];
      const listed = changes.slice(0, MAX_LISTED_FIELDS).map(describeChange).join('; ');
      const more =
        changes.length > MAX_LISTED_FIELDS ? `; and ${changes.length - MAX_LISTED_FIELDS} more` : '';
      const election = event.streamId.replace(/^election-/, '');
      return `Election ${election} amended (${n(changes.length)} change${changes.length === 1 ? '' : 's'}): ${listed}${more}`;
    }
    case 'TallySubmitted': {
      const p = asPlacement(data);
      const c = asCounts(data.counts);
      if (!p || !c) return `Tally submitted (malformed) on ${event.streamId}`;
      const standing =
        data.standing === 'awaiting-second-entry'
          ? ' (first entry, awaiting the second)'
          : data.standing === 'held'
            ? ` (held for review: ${Array.isArray(data.heldOn) ? data.heldOn.map(String).join(', ') : ''})`
            : '';
      return `Tally submitted for ${p.pollingAreaId} / ${p.contestId}: ${n(c.validBallots)} valid, ${n(c.invalidBallots)} invalid${standing}`;
    }
    case 'TallySecondEntryRecorded': {
      const p = asPlacement(data);
      if (!p) return `Second entry (malformed) on ${event.streamId}`;
      const differing = Array.isArray(data.discrepancies) ? data.discrepancies.map(String) : [];
      return differing.length === 0
        ? `Second entry for ${p.pollingAreaId} / ${p.contestId} agrees: verified${data.standing === 'held' ? ', held for review' : ''}`
        : `Second entry for ${p.pollingAreaId} / ${p.contestId} differs in ${differing.slice(0, MAX_LISTED_FIELDS).join(', ')}${differing.length > MAX_LISTED_FIELDS ? ` and ${differing.length - MAX_LISTED_FIELDS} more` : ''}`;
    }
    case 'TallyDiscrepancyResolved': {
      const p = asPlacement(data);
      const c = asCounts(data.counts);
      if (!p || !c) return `Discrepancy resolved (malformed) on ${event.streamId}`;
      return `Discrepancy resolved for ${p.pollingAreaId} / ${p.contestId}: ${n(c.validBallots)} valid, ${n(c.invalidBallots)} invalid`;
    }
    case 'TallyReviewed': {
      const p = asPlacement(data);
      if (!p) return `Tally reviewed (malformed) on ${event.streamId}`;
      return data.decision === 'release'
        ? `Held tally for ${p.pollingAreaId} / ${p.contestId} released: it counts`
        : `Held tally for ${p.pollingAreaId} / ${p.contestId} sent back: a correction is required`;
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
    case 'UnitCertified': {
      const { unitId, contestId, outcome, candidates } = data;
      if (typeof unitId !== 'string' || typeof contestId !== 'string' || !Array.isArray(candidates))
        return `Unit certified (malformed) on ${event.streamId}`;
      const elected = candidates.filter((c) => (c as { elected?: unknown }).elected === true).length;
      return `Unit ${unitId} / ${contestId} certified: ${String(outcome ?? 'no outcome')}, ${n(elected)} elected`;
    }
    case 'UnitCertificationRevoked': {
      const { unitId, contestId, automatic } = data;
      if (typeof unitId !== 'string' || typeof contestId !== 'string')
        return `Unit certification revoked (malformed) on ${event.streamId}`;
      return `Certification of unit ${unitId} / ${contestId} revoked${automatic === true ? ' (a sheet changed while it was certified)' : ''}`;
    }
    case 'UnitResultAnnulled': {
      const { unitId, contestId } = data;
      if (typeof unitId !== 'string' || typeof contestId !== 'string')
        return `Unit result annulled (malformed) on ${event.streamId}`;
      return `Result of unit ${unitId} / ${contestId} annulled: a re-vote is required`;
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

/** One change of an amendment as a few words: "withdrew candidate na-10-4 (na)". */
function describeChange(value: unknown): string {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
  const area = c.pollingArea as Record<string, unknown> | undefined;
  const candidate = c.candidate as Record<string, unknown> | undefined;
  switch (c.type) {
    case 'withdrawCandidate':
      return `withdrew candidate ${s(c.candidateId)} (${s(c.contestId)})`;
    case 'addCandidate':
      return `added candidate ${s(candidate?.candidateId)} to ${s(c.contestId)}/${s(c.unitId)}`;
    case 'addPollingArea':
      return `added polling area ${s(area?.pollingAreaId)} (${s(area?.districtId)}, ${n(Number(area?.registeredVoters) || 0)} voters)`;
    case 'removePollingArea':
      return `removed polling area ${s(c.pollingAreaId)}`;
    case 'movePollingArea':
      return `moved polling area ${s(c.pollingAreaId)}${c.districtId ? ` to district ${s(c.districtId)}` : ''}${
        Array.isArray(c.units) && c.units.length > 0
          ? ` to ${c.units.map((u: { contestId?: unknown; unitId?: unknown }) => `${s(u?.contestId)}/${s(u?.unitId)}`).join(', ')}`
          : ''
      }`;
    case 'changeRegisteredVoters':
      return `${s(c.pollingAreaId)} has ${n(Number(c.registeredVoters) || 0)} registered voters`;
    case 'changeSeats':
      return `${s(c.contestId)}/${s(c.unitId)} elects ${s(c.seats)}`;
    case 'addRound': {
      const contest = (c.contest ?? {}) as Record<string, unknown>;
      const round = (contest.round ?? {}) as Record<string, unknown>;
      const units = Array.isArray(round.units) ? round.units.map(s).join(', ') : '?';
      return `added ${s(round.kind)} round ${s(contest.contestId)} of ${s(round.of)} (${units}) on ${s(contest.pollingDate)}`;
    }
    case 'rename':
      return `renamed ${s(c.target)}${c.id ? ` ${s(c.id)}` : ''} to "${s(c.name)}"`;
    default:
      return `${s(c.type)}`;
  }
}
