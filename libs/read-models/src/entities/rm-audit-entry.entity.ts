import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/** One row per event: the global position is both the key and the pagination cursor. */
@Entity({ name: 'rm_audit_entries' })
@Index('rm_audit_entries_election_position_idx', ['electionId', 'position'])
export class RmAuditEntryEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  position!: number;

  @Column({ name: 'election_id', type: 'text' })
  electionId!: string;

  @Column({ name: 'stream_id', type: 'text' })
  streamId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'jsonb' })
  actor!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ name: 'polling_area_id', type: 'text', nullable: true })
  pollingAreaId!: string | null;

  @Column({ name: 'contest_id', type: 'text', nullable: true })
  contestId!: string | null;

  @Column({ name: 'district_id', type: 'text', nullable: true })
  districtId!: string | null;
}
