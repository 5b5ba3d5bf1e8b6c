import type {
  ContestKind,
  ContestRound,
  ReVoteReason,
  RoundKind,
  UnitLawOutcome,
  UnitOutcomeStatus,
} from '@tally/domain';

/** Field names here are the public contract of the results endpoints (issue 2, section 7). */
export interface CandidateResult {
  candidateId: string;
  name: string;
  votes: number;
  /** votes / validBallots, 4 decimals. */
  share: number;
  /** Provisional Art. 78 outcome of the candidate's electoral unit. */
  elected: boolean;
}

export interface ResultTotals {
  /** Sheets in the totals. */
  pollingAreasReported: number;
  /** Sheets held for review (or sent back for a correction): recorded, not in the totals. */
  pollingAreasHeld: number;
  /** Double-entry sheets awaiting their second entry or in discrepancy: recorded, not in the totals. */
  pollingAreasUnverified: number;
  pollingAreasExpected: number;
  /** Of the reported sheets, like the other totals. */
  registeredVoters: number;
  votersVoted: number;
  /** votersVoted / registeredVoters, 4 decimals, 0 when nothing is reported. */
  turnout: number;
  validBallots: number;
  invalidBallots: number;
}

export interface DistrictContestResult extends ResultTotals {
  contestId: string;
  name: string;
  /** The contest's kind; null when the definition gives none. */
  kind: ContestKind | null;
  candidates: Array<CandidateResult & { unitId: string }>;
  /** The units with polling areas in the district, with their (unit-wide) outcome and certification. */
  units: DistrictUnitSummary[];
}

export type DistrictUnitSummary = Pick<
  UnitResult,
  | 'unitId'
  | 'name'
  | 'outcome'
  | 'outcomeReason'
  | 'seatsUnfilled'
  | 'provisional'
  | 'certified'
  | 'annulment'
  | 'rounds'
  | 'combined'
>;

/** A follow-up round of a unit (Art. 79, 80), as its own contest counted it. */
export interface UnitRoundResult {
  /** The round's contest. */
  contestId: string;
  name: string;
  kind: RoundKind;
  /** The round's polling day. */
  pollingDate: string;
  seats: number;
  provisional: boolean;
  outcome: UnitLawOutcome | null;
  outcomeReason: ReVoteReason | null;
  seatsUnfilled: number;
  /** Candidate ids elected in the round. */
  elected: string[];
}

/** The unit's result over all its rounds, as the law combines them (a unit without rounds: its own). */
export interface CombinedUnitResult {
  outcome: UnitLawOutcome | null;
  outcomeReason: ReVoteReason | null;
  seatsUnfilled: number;
  /** The unit or one of its rounds has not every polling area reported. */
  provisional: boolean;
  /** The contest whose result decided last: the unit's own, or its latest counted round. */
  decidedBy: string;
  /** Every winner, with the contest (original or round) that elected them. */
  elected: Array<{ candidateId: string; name: string; contestId: string }>;
}

/** A unit's certification: the record that determines its result was made at `position`. */
export interface UnitCertificationResult {
  /** When it was certified (ISO). */
  at: string;
  /** The actor id that certified it. */
  by: string;
  /** Global position of the certification: time travel before it shows the unit uncertified. */
  position: number;
}

/** The annulment of a unit's result (Art. 80): it requires a re-vote. */
export interface UnitAnnulmentResult {
  /** When it was annulled (ISO). */
  at: string;
  /** The actor id that annulled it. */
  by: string;
  reason: string;
}

export interface DistrictResult {
  districtId: string;
  name: string;
  contests: DistrictContestResult[];
}

export interface DistrictResults {
  electionId: string;
  position: number;
  districts: DistrictResult[];
}

export interface SingleDistrictResult extends DistrictResult {
  electionId: string;
  position: number;
}

export interface UnitResult extends ResultTotals {
  unitId: string;
  name: string;
  seats: number;
  /** Voters on the list of every polling area of the unit, from the definition. */
  expectedRegisteredVoters: number;
  /** Not every polling area of the unit has reported yet. */
  provisional: boolean;
  /** What the counts say under Art. 78 (as before `outcome` existed). */
  status: UnitOutcomeStatus;
  /** The law's outcome (Art. 79, 80), provisional like the rest while `provisional`; null while nothing is counted. */
  outcome: UnitLawOutcome | null;
  /** Why a re-vote is required ("turnout-not-above-half" or "annulled"); null otherwise. */
  outcomeReason: ReVoteReason | null;
  seatsUnfilled: number;
  /** Null until certified (and again after a revocation). */
  certified: UnitCertificationResult | null;
  /** Null unless the unit's result was annulled; then `outcome` is re-vote-required, `outcomeReason` annulled. */
  annulment: UnitAnnulmentResult | null;
  unresolvedTie: boolean;
  /** Ordered by votes, then age (older first). */
  candidates: CandidateResult[];
  /** The unit's follow-up rounds, in the order they were defined; [] for none (and for a round's own units). */
  rounds: UnitRoundResult[];
  /** The outcome of the unit over its rounds: a supplementary round adds winners, a re-vote replaces the result. */
  combined: CombinedUnitResult;
}

export interface CityContestResult extends ResultTotals {
  contestId: string;
  name: string;
  kind: ContestKind | null;
  /** For a follow-up round: its kind, the contest it follows up and the units; null for an original contest. */
  round: ContestRound | null;
  /** The contest's polling day: the election's, or a round's own. */
  pollingDate: string;
  /** Every expected polling area has reported. */
  complete: boolean;
  unitsCertified: number;
  unitsTotal: number;
  units: UnitResult[];
}

export interface CityResults {
  electionId: string;
  position: number;
  /** Over every contest (also with ?contest=). */
  unitsCertified: number;
  unitsTotal: number;
  /** Every unit of every contest is certified: the results are official, no longer provisional. */
  official: boolean;
  contests: CityContestResult[];
}
