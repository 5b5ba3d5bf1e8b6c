import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ElectionDefinition } from '@tally/domain';
import { bigintToNumber } from './bigint.transformer';

@Entity({ name: 'rm_elections' })
export class RmElectionEntity {
  @PrimaryColumn({ name: 'election_id', type: 'text' })
  electionId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'polling_date', type: 'date' })
  pollingDate!: string;

  @Column({ type: 'jsonb' })
  definition!: ElectionDefinition;

  /** Revision of the election stream last applied: the idempotency guard for this single-stream row. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  position!: number;
}
