import { TallyCounts } from './tally.types';

/** The scalar fields of a sheet, in the order of the paper record; used for diffs and field-by-field checks. */
export const COUNT_FIELDS = [
  'registeredVoters',
  'votersVoted',
  'ballotsIssued',
  'ballotsReceived',
  'validBallots',
  'invalidBallots',
] as const satisfies ReadonlyArray<keyof TallyCounts>;

export type CountField = (typeof COUNT_FIELDS)[number];

/**
 * The fields whose values differ, e.g. ["validBallots", "candidateVotes.na-02-1"]. A candidate present on one side
 * only counts as changed. Key order of candidateVotes never matters (JSON bodies do not guarantee it).
 */
export function diffCounts(before: TallyCounts, after: TallyCounts): string[] {
  const changed: string[] = COUNT_FIELDS.filter((field) => before[field] !== after[field]);
  const candidateIds = [
    ...new Set([...Object.keys(before.candidateVotes), ...Object.keys(after.candidateVotes)]),
  ].sort();
  for (const id of candidateIds) {
    if (
      !Object.hasOwn(before.candidateVotes, id) ||
      !Object.hasOwn(after.candidateVotes, id) ||
      before.candidateVotes[id] !== after.candidateVotes[id]
    ) {
      changed.push(`candidateVotes.${id}`);
    }
  }
  return changed;
}

export function countsEqual(a: TallyCounts, b: TallyCounts): boolean {
  return diffCounts(a, b).length === 0;
}

/** A copy that keeps only the count fields, so stray request properties never reach an event. */
export function normalizeCounts(counts: TallyCounts): TallyCounts {
  const candidateVotes: Record<string, number> = {};
  for (const id of Object.keys(counts.candidateVotes)) candidateVotes[id] = counts.candidateVotes[id];
  return {
    registeredVoters: counts.registeredVoters,
    votersVoted: counts.votersVoted,
    ballotsIssued: counts.ballotsIssued,
    ballotsReceived: counts.ballotsReceived,
    validBallots: counts.validBallots,
    invalidBallots: counts.invalidBallots,
    candidateVotes,
  };
}
