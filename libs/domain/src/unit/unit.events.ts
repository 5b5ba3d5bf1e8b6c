import { ReVoteReason, UnitLawOutcome, UnitOutcomeStatus } from '../results/winners';

/** Where a unit event belongs: the unit of a contest of an election. */
export interface UnitEventRef {
  electionId: string;
  contestId: string;
  unitId: string;
}

/** The record that determines a unit's result (biên bản xác định kết quả): its counts, winners and outcome. */
export interface CertifiedRecord {
  /** Each polling area's sheet at the revision the record was made from. */
  sheets: Array<{ pollingAreaId: string; revision: number }>;
  totals: {
    registeredVoters: number;
    votersVoted: number;
    validBallots: number;
    invalidBallots: number;
  };
  /** Ordered as the result lists them: by votes, then age. */
  candidates: Array<{ candidateId: string; votes: number; elected: boolean }>;
  status: UnitOutcomeStatus;
  outcome: UnitLawOutcome | null;
  outcomeReason: ReVoteReason | null;
  seatsUnfilled: number;
}

export interface UnitCertified {
  type: 'UnitCertified';
  data: UnitEventRef &
    CertifiedRecord & {
      /** The districts the unit covers. */
      districtIds: string[];
      reason: string | null;
      certifiedAt: string;
    };
}

/** Reopens a certified unit. `automatic` when the api revoked it itself: a sheet changed while it was certified. */
export interface UnitCertificationRevoked {
  type: 'UnitCertificationRevoked';
  data: UnitEventRef & { reason: string; automatic: boolean; revokedAt: string };
}

/**
 * A city admin annulled the unit's result (Art. 80: bầu cử lại for violations): the result does not count and a
 * re-vote is required, whatever the counts say.
 */
export interface UnitResultAnnulled {
  type: 'UnitResultAnnulled';
  data: UnitEventRef & { reason: string; annulledAt: string };
}

/** Every event of a unit-<election>.<contest>.<unit> stream. */
export type UnitEvent = UnitCertified | UnitCertificationRevoked | UnitResultAnnulled;
