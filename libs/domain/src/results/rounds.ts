import { ContestKind, RoundKind } from '../election/election.types';
import { ReVoteReason, seatsFilledEnough, UnitLawOutcome, UnitOutcome } from './winners';

/** One follow-up round of a unit: its contest, kind and the unit's outcome in it (decideUnitOutcome). */
export interface UnitRound {
  contestId: string;
  kind: RoundKind;
  outcome: UnitOutcome;
}

export interface CombinedWinner {
  candidateId: string;
  name: string;
  /** The contest (original or round) in which the candidate was elected. */
  contestId: string;
}

/** What the law makes of a unit over all its rounds. */
export interface CombinedUnitOutcome {
  outcome: UnitLawOutcome | null;
  outcomeReason: ReVoteReason | null;
  seatsUnfilled: number;
  elected: CombinedWinner[];
  /** The contest whose result the combined outcome rests on last: the original or the latest counted round. */
  decidedBy: string;
}

/**
 * Combines a unit's rounds in the order they were defined (Art. 79, 80):
 * - a round with nothing counted yet changes nothing;
 * - a re-vote replaces the unit's result: its winners, its outcome;
 * - a supplementary round adds its winners, at most the seats still unfilled (a candidate already elected is not
 *   elected twice), and the outcome is decided again on the total winners by the contest's kind; if the round itself
 *   failed on turnout, what the law asks next is its re-vote.
 */
export function combineRounds(
  original: { contestId: string; kind: ContestKind | undefined; seats: number; outcome: UnitOutcome },
  rounds: readonly UnitRound[],
): CombinedUnitOutcome {
  let state: Omit<CombinedUnitOutcome, 'seatsUnfilled'> = {
    outcome: original.outcome.outcome,
    outcomeReason: original.outcome.outcomeReason,
    elected: winnersOf(original.contestId, original.outcome),
    decidedBy: original.contestId,
  };
  for (const round of rounds) {
    const result = round.outcome;
    if (result.outcome === null) continue;
    if (round.kind === 're-vote') {
      state = {
        outcome: result.outcome,
        outcomeReason: result.outcomeReason,
        elected: winnersOf(round.contestId, result),
        decidedBy: round.contestId,
      };
      continue;
    }
    if (result.outcome === 're-vote-required') {
      state = {
        ...state,
        outcome: result.outcome,
        outcomeReason: result.outcomeReason,
        decidedBy: round.contestId,
      };
      continue;
    }
    const have = new Set(state.elected.map((w) => w.candidateId));
    const unfilled = Math.max(0, original.seats - state.elected.length);
    const added = winnersOf(round.contestId, result)
      .filter((w) => !have.has(w.candidateId))
      .slice(0, unfilled);
    const elected = [...state.elected, ...added];
    state = {
      outcome: seatsFilledEnough(original.kind, original.seats, elected.length)
        ? 'elected'
        : 'supplementary-required',
      outcomeReason: null,
      elected,
      decidedBy: round.contestId,
    };
  }
  return { ...state, seatsUnfilled: Math.max(0, original.seats - state.elected.length) };
}

function winnersOf(contestId: string, outcome: UnitOutcome): CombinedWinner[] {
  return outcome.candidates
    .filter((c) => c.elected)
    .map((c) => ({ candidateId: c.candidateId, name: c.name, contestId }));
}
