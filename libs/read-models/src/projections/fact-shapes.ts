import type { StoredEvent } from '@tally/event-store';
import { ELECTION_STREAM_PREFIX } from '@tally/domain';
import type {
  AmendmentChange,
  ElectionDefinition,
  PollingAreaChange,
  TallyCounts,
  TallyPlacement,
  UnitEventRef,
} from '@tally/domain';

/**
 * Shape checks on stored facts. A projection must never throw on a fact, and a malformed one must not reach a
 * typed column and abort the batch's transaction forever: these let the projection log and skip it instead.
 */
const COUNT_FIELDS = [
  'registeredVoters',
  'votersVoted',
  'ballotsIssued',
  'ballotsReceived',
  'validBallots',
  'invalidBallots',
] as const;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function asCounts(value: unknown): TallyCounts | null {
  if (typeof value !== 'object' || value === null) return null;
  const counts = value as Record<string, unknown>;
  if (!COUNT_FIELDS.every((f) => isCount(counts[f]))) return null;
  const votes = counts.candidateVotes;
  if (typeof votes !== 'object' || votes === null || !Object.values(votes).every(isCount)) return null;
  return value as TallyCounts;
}

export function asPlacement(data: Record<string, unknown>): TallyPlacement | null {
  const { electionId, pollingAreaId, contestId, districtId, unitId } = data;
  if (![electionId, pollingAreaId, contestId, districtId, unitId].every(isText)) return null;
  return data as unknown as TallyPlacement;
}

export function asUnitRef(data: Record<string, unknown>): UnitEventRef | null {
  const { electionId, contestId, unitId } = data;
  if (![electionId, contestId, unitId].every(isText)) return null;
  return { electionId: electionId as string, contestId: contestId as string, unitId: unitId as string };
}

export function asDefinition(value: unknown): ElectionDefinition | null {
  if (typeof value !== 'object' || value === null) return null;
  const d = value as Record<string, unknown>;
  const dateOk = typeof d.pollingDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.pollingDate);
  const listsOk = [d.districts, d.pollingAreas, d.contests].every(Array.isArray);
  if (!isText(d.electionId) || typeof d.name !== 'string' || !dateOk || !listsOk) return null;
  if (Number.isNaN(Date.parse(d.pollingDate as string))) return null;
  return value as ElectionDefinition;
}

export const ZERO_COUNTS: TallyCounts = {
  registeredVoters: 0,
  votersVoted: 0,
  ballotsIssued: 0,
  ballotsReceived: 0,
  validBallots: 0,
  invalidBallots: 0,
  candidateVotes: {},
};

/** The election an ElectionAmended event of an election stream amends; null for any other event. */
export function amendedElectionId(event: StoredEvent): string | null {
  if (event.type !== 'ElectionAmended' || !event.streamId.startsWith(ELECTION_STREAM_PREFIX)) return null;
  const id = event.streamId.slice(ELECTION_STREAM_PREFIX.length);
  return id.length > 0 ? id : null;
}

/** The changes and polling-area placements of an ElectionAmended, or null when they are not lists. */
export function asAmendment(
  data: Record<string, unknown>,
): { changes: AmendmentChange[]; pollingAreaChanges: PollingAreaChange[] } | null {
  const { changes, pollingAreaChanges } = data;
  if (!Array.isArray(changes) || !Array.isArray(pollingAreaChanges)) return null;
  const placementOk = (p: unknown) =>
    p === null ||
    (typeof p === 'object' &&
      isText((p as Record<string, unknown>).districtId) &&
      isCount((p as Record<string, unknown>).registeredVoters) &&
      typeof (p as Record<string, unknown>).units === 'object' &&
      (p as Record<string, unknown>).units !== null);
  const ok = pollingAreaChanges.every(
    (c) =>
      typeof c === 'object' &&
      c !== null &&
      isText((c as Record<string, unknown>).pollingAreaId) &&
      placementOk((c as Record<string, unknown>).before) &&
      placementOk((c as Record<string, unknown>).after),
  );
  if (!ok || !changes.every((c) => typeof c === 'object' && c !== null)) return null;
  return {
    changes: changes as AmendmentChange[],
    pollingAreaChanges: pollingAreaChanges as PollingAreaChange[],
  };
}
