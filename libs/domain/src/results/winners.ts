import { ContestKind } from '../election/election.types';

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
  /** The contest's kind; undefined judges the unit like the National Assembly (every seat must be filled). */
  kind?: ContestKind;
  /** The unit's result was annulled (Art. 80): it does not count, a repeat election follows. */
  annulled?: boolean;
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

/**
 * What the law makes of the unit's result:
 * - `elected`: no follow-up is needed (every seat filled; for a People's Council at least two thirds of them);
 * - `supplementary-required` (bầu cử thêm, Art. 79): fewer winners than that;
 * - `re-vote-required` (bầu cử lại, Art. 80): turnout not above half of the listed voters, or the result annulled.
 */
export type UnitLawOutcome = 'elected' | 'supplementary-required' | 're-vote-required';
export type ReVoteReason = 'turnout-not-above-half' | 'annulled';

export interface UnitOutcome {
  /** What the counts say under Art. 78 (kept as it was before `outcome`). */
  status: UnitOutcomeStatus;
  /** The law's outcome; null while nothing is counted. */
  outcome: UnitLawOutcome | null;
  /** Why a re-vote is required; null otherwise. */
  outcomeReason: ReVoteReason | null;
  /** Seats without a winner. */
  seatsUnfilled: number;
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
  const eligible = turnoutAboveHalf && !unit.annulled ? ordered.filter(passes) : [];
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

  const electedCount = winners.size;
  let outcome: UnitLawOutcome | null = null;
  let outcomeReason: ReVoteReason | null = null;
  if (unit.annulled) [outcome, outcomeReason] = ['re-vote-required', 'annulled'];
  else if (status === 'no_ballots') outcome = null;
  else if (!turnoutAboveHalf) [outcome, outcomeReason] = ['re-vote-required', 'turnout-not-above-half'];
  else
    outcome = seatsFilledEnough(unit.kind, unit.seats, electedCount) ? 'elected' : 'supplementary-required';

  return {
    status,
    outcome,
    outcomeReason,
    seatsUnfilled: Math.max(0, unit.seats - electedCount),
    turnoutAboveHalf,
    candidates,
    electedCount,
    unresolvedTie,
  };
}

/**
 * Art. 79: a National Assembly unit needs a winner for every seat, a People's Council unit at least two thirds of its
 * seats (3 of 4, 4 of 5, 2 of 3). A contest without a kind follows the National Assembly rule, which is exactly the
 * split between `seats_filled` and `seats_unfilled` that the results showed before contests had a kind.
 */
export function seatsFilledEnough(kind: ContestKind | undefined, seats: number, elected: number): boolean {
  if (kind === undefined || kind === 'national-assembly') return elected >= seats;
  return elected * 3 >= seats * 2;
}
