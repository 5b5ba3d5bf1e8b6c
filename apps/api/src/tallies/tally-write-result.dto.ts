import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AnomalyDto {
  @ApiProperty({ example: 'ANOMALY.HIGH_INVALID_SHARE' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ required: false, example: 'invalidBallots' }) field?: string;
}

/** OpenAPI shape of TallyWriteResult (the 201 of a submission or a correction). */
export class TallyWriteResultDto {
  @ApiProperty({ example: 'hn-2021.ba-dinh-0001.na' }) tallyId!: string;
  @ApiProperty({ type: 'integer', example: 0, description: 'Stream revision of the sheet; also the ETag' })
  revision!: number;
  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Global position of the event: pass it as ?minPosition= to read your write',
  })
  position!: number;
  @ApiProperty({
    enum: [
      'submitted',
      'held',
      'awaiting-second-entry',
      'verified',
      'discrepancy',
      'corrected',
      'resolved',
      'released',
      'correction-required',
    ],
    description: 'What this write did (an entry: its outcome)',
  })
  status!: string;
  @ApiProperty({
    enum: ['counted', 'held', 'correction-required', 'awaiting-second-entry', 'discrepancy'],
    description: 'Whether the sheet now counts in the totals, and if not what it waits for',
  })
  standing!: string;
  @ApiPropertyOptional({ type: [String], description: 'A second entry that differs: every differing field' })
  discrepancies?: string[];
  @ApiProperty({ type: [AnomalyDto], description: 'Soft findings: accepted, but someone should look' })
  anomalies!: AnomalyDto[];
  @ApiProperty({ description: 'True when this answers a retry and nothing new was appended' })
  replayed!: boolean;
}
