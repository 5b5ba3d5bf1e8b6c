import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SheetStanding, TallyCounts } from '@tally/domain';
import { bigintToNumber } from './bigint.transformer';

/**
 * The current counts of one sheet: the base that a correction's delta is computed against. Also indexed by its key
 * as one expression (rm_tally_sheets_key_idx, migration 1765500000000), which TypeORM cannot declare.
 */
@Entity({ name: 'rm_tally_sheets' })
@Index('rm_tally_sheets_district_idx', ['electionId', 'districtId', 'contestId'])
@Index('rm_tally_sheets_waiting_idx', ['electionId', 'standing'], { where: "standing <> 'counted'" })
export class RmTallySheetEntity {
  @PrimaryColumn({ name: 'election_id', type: 'text' })
  electionId!: string;

  @PrimaryColumn({ name: 'polling_area_id', type: 'text' })
  pollingAreaId!: string;

  @PrimaryColumn({ name: 'contest_id', type: 'text' })
  contestId!: string;

  @Column({ name: 'district_id', type: 'text' })
  districtId!: string;

  @Column({ name: 'unit_id', type: 'text' })
  unitId!: string;

  @Column({ type: 'jsonb' })
  counts!: TallyCounts;

  /** Revision of the tally stream last applied: the idempotency guard for this single-stream row. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  status!: 'submitted' | 'corrected';

  /** Whether the counts are in the totals (`counted`), and if not what the sheet waits for. */
  @Column({ type: 'text' })
  standing!: Exclude<SheetStanding, 'unreported'>;

  /** The anomaly codes that hold it for review ([] unless held or correction-required). */
  @Column({ name: 'held_on', type: 'jsonb' })
  heldOn!: string[];

  @Column({ name: 'corrections', type: 'integer' })
  corrections!: number;

  @Column({ name: 'last_position', type: 'bigint', transformer: bigintToNumber })
  lastPosition!: number;
}
