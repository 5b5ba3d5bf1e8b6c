/**
 * Who wins an electoral unit (Law 85/2015/QH13, Art. 78):
 * - the unit's result counts only if more than half of its listed voters voted;
 * - a winner needs more than half of the valid ballots;
 * - if more candidates pass than there are seats, the highest vote-getters win;
 * - a tie for the last seat goes to the older candidate.
 */
export interface UnitCandidateTally {
  candidateId: string;
  name: string;
  /** ISO date (YYYY-MM-DD). */
  birthDate: string;
  votes: number;
}

export interface UnitTally {
  seats: number;
  registeredVoters: number;
  votersVoted: number;
  validBallots: number;
  candidates: UnitCandidateTally[];
}

export interface CandidateOutcome {
  candidateId: string;
  name: string;
  votes: number;
  /** votes / validBallots, 0 when there are no valid ballots yet. */
  share: number;
  /** More than half of the valid ballots. */
  passedThreshold: boolean;
  elected: boolean;
}

export type UnitOutcomeStatus =
  | 'no_ballots' // nothing counted yet
  | 'turnout_not_above_half' // Art. 78(1): the result does not count; a repeat election follows (Art. 80)
  | 'seats_filled'
  | 'seats_unfilled'; // fewer winners than seats: an additional election may follow (Art. 79)

export interface UnitOutcome {
  status: UnitOutcomeStatus;
  turnoutAboveHalf: boolean;
  /** Ordered by votes, then age (older first), then id. */
  candidates: CandidateOutcome[];
  electedCount: number;
  /** Two candidates with equal votes and the same birth date compete for the last seat: the law cannot order them. */
  unresolvedTie: boolean;
}

export function decideUnitOutcome(unit: UnitTally): UnitOutcome {
  const turnoutAboveHalf = unit.registeredVoters > 0 && unit.votersVoted * 2 > unit.registeredVoters;
  const ordered = [...unit.candidates].sort(
    (a, b) =>
      b.votes - a.votes ||
      a.birthDate.localeCompare(b.birthDate) ||
      a.candidateId.localeCompare(b.candidateId),
  );
  const passes = (c: UnitCandidateTally) => unit.validBallots > 0 && c.votes * 2 > unit.validBallots;
  const eligible = turnoutAboveHalf ? ordered.filter(passes) : [];
  const winners = new Set(eligible.slice(0, unit.seats).map((c) => c.candidateId));

  const lastIn = eligible[unit.seats - 1];
  const firstOut = eligible[unit.seats];
  const unresolvedTie =
    lastIn !== undefined &&
    firstOut !== undefined &&
    lastIn.votes === firstOut.votes &&
    lastIn.birthDate === firstOut.birthDate;

  const candidates = ordered.map((c) => ({
    candidateId: c.candidateId,
    name: c.name,
    votes: c.votes,
    share: unit.validBallots > 0 ? c.votes / unit.validBallots : 0,
    passedThreshold: passes(c),
    elected: winners.has(c.candidateId),
  }));

  let status: UnitOutcomeStatus;
  if (unit.validBallots === 0 && unit.votersVoted === 0) status = 'no_ballots';
  else if (!turnoutAboveHalf) status = 'turnout_not_above_half';
  else status = winners.size >= unit.seats ? 'seats_filled' : 'seats_unfilled';

  return { status, turnoutAboveHalf, candidates, electedCount: winners.size, unresolvedTie };
}
