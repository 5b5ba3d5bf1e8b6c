import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/** Running totals of the reported sheets of one district in one contest. */
@Entity({ name: 'rm_district_results' })
export class RmDistrictResultEntity {
  @PrimaryColumn({ name: 'election_id', type: 'text' })
  electionId!: string;

  @PrimaryColumn({ name: 'district_id', type: 'text' })
  districtId!: string;

  @PrimaryColumn({ name: 'contest_id', type: 'text' })
  contestId!: string;

  @Column({ name: 'polling_areas_reported', type: 'bigint', transformer: bigintToNumber })
  pollingAreasReported!: number;

  /** Sheets held for review (standing held or correction-required): recorded, but not in the totals. */
  @Column({ name: 'polling_areas_held', type: 'bigint', transformer: bigintToNumber })
  pollingAreasHeld!: number;

  /** Double-entry sheets awaiting their second entry or in discrepancy: recorded, but not in the totals. */
  @Column({ name: 'polling_areas_unverified', type: 'bigint', transformer: bigintToNumber })
  pollingAreasUnverified!: number;

  @Column({ name: 'polling_areas_expected', type: 'bigint', transformer: bigintToNumber })
  pollingAreasExpected!: number;

  @Column({ name: 'registered_voters', type: 'bigint', transformer: bigintToNumber })
  registeredVoters!: number;

  @Column({ name: 'voters_voted', type: 'bigint', transformer: bigintToNumber })
  votersVoted!: number;

  @Column({ name: 'valid_ballots', type: 'bigint', transformer: bigintToNumber })
  validBallots!: number;

  @Column({ name: 'invalid_ballots', type: 'bigint', transformer: bigintToNumber })
  invalidBallots!: number;

  /** candidateId → votes, for every candidate of every unit that has polling areas in this district. */
  @Column({ name: 'candidate_votes', type: 'jsonb' })
  candidateVotes!: Record<string, number>;

  /**
   * The position of the last event that changed the row (its definition, an amendment or a sheet): the row's content
   * is a function of the events up to it, so a copy of the row with the same last position is the same row (the
   * results projection keeps such copies between batches, ResultsRowCache).
   */
  @Column({ name: 'last_position', type: 'bigint', transformer: bigintToNumber })
  lastPosition!: number;
}
