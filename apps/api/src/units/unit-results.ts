import { ReVoteReason, UnitLawOutcome } from '@tally/domain';

/** The answer to a certification or a revocation (201). */
export interface UnitWriteResult {
  electionId: string;
  contestId: string;
  unitId: string;
  /** Revision of the unit stream; its ETag. */
  revision: number;
  /** Global position of the event: certified units show it, `?minPosition=` reads it. */
  position: number;
  status: 'certified' | 'uncertified';
  /** The certified record (null after a revocation). */
  record: {
    outcome: UnitLawOutcome | null;
    outcomeReason: ReVoteReason | null;
    seatsUnfilled: number;
    elected: string[];
    pollingAreas: number;
  } | null;
}

/** The answer to an annulment (201): the unit's result requires a re-vote. */
export interface UnitAnnulmentResult {
  electionId: string;
  contestId: string;
  unitId: string;
  /** Revision of the unit stream; its ETag. */
  revision: number;
  /** Global position of the event: `?minPosition=` reads it, `?atPosition=` before it shows the outcome before. */
  position: number;
  status: 'annulled';
  outcome: 're-vote-required';
  outcomeReason: 'annulled';
  annulledAt: string;
  reason: string;
}
