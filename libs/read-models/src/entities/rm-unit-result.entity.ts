import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

export interface UnitCandidateRow {
  candidateId: string;
  name: string;
  birthDate: string;
  votes: number;
}

/** The certification of a unit as the results show it: when, by whom, at which global position. */
export interface UnitCertificationRow {
  at: string;
  by: string;
  position: number;
}

/** The annulment of a unit's result as the results show it: when, by whom, why. */
export interface UnitAnnulmentRow {
  at: string;
  by: string;
  reason: string;
}

/** Running totals of one electoral unit; names and birth dates ride along so Art. 78 can be decided at read time. */
@Entity({ name: 'rm_unit_results' })
export class RmUnitResultEntity {
  @PrimaryColumn({ name: 'election_id', type: 'text' })
  electionId!: string;

  @PrimaryColumn({ name: 'contest_id', type: 'text' })
  contestId!: string;

  @PrimaryColumn({ name: 'unit_id', type: 'text' })
  unitId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  seats!: number;

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

  /** From the definition: the whole unit's voter list, whether or not its sheets are in. */
  @Column({ name: 'expected_registered_voters', type: 'bigint', transformer: bigintToNumber })
  expectedRegisteredVoters!: number;

  /** From the reported sheets. */
  @Column({ name: 'registered_voters', type: 'bigint', transformer: bigintToNumber })
  registeredVoters!: number;

  @Column({ name: 'voters_voted', type: 'bigint', transformer: bigintToNumber })
  votersVoted!: number;

  @Column({ name: 'valid_ballots', type: 'bigint', transformer: bigintToNumber })
  validBallots!: number;

  @Column({ name: 'invalid_ballots', type: 'bigint', transformer: bigintToNumber })
  invalidBallots!: number;

  @Column({ type: 'jsonb' })
  candidates!: UnitCandidateRow[];

  /** Null while the unit's result is not certified. */
  @Column({ type: 'jsonb', nullable: true })
  certification!: UnitCertificationRow | null;

  /** Null unless the unit's result was annulled (a re-vote is required). */
  @Column({ type: 'jsonb', nullable: true })
  annulment!: UnitAnnulmentRow | null;

  /** Revision of the unit stream last applied (-1: none): the idempotency guard for its events. */
  @Column({ name: 'unit_revision', type: 'integer' })
  unitRevision!: number;
}
