import type { UnitOutcomeStatus } from '@tally/domain';

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
  pollingAreasReported: number;
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
  candidates: Array<CandidateResult & { unitId: string }>;
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
  status: UnitOutcomeStatus;
  unresolvedTie: boolean;
  /** Ordered by votes, then age (older first). */
  candidates: CandidateResult[];
}

export interface CityContestResult extends ResultTotals {
  contestId: string;
  name: string;
  /** Every expected polling area has reported. */
  complete: boolean;
  units: UnitResult[];
}

export interface CityResults {
  electionId: string;
  position: number;
  contests: CityContestResult[];
}
