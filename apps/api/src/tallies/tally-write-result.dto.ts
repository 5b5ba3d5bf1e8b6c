import { ApiProperty } from '@nestjs/swagger';

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
  @ApiProperty({ enum: ['submitted', 'corrected'] }) status!: string;
  @ApiProperty({ type: [AnomalyDto], description: 'Soft findings: accepted, but someone should look' })
  anomalies!: AnomalyDto[];
  @ApiProperty({ description: 'True when this answers a retry and nothing new was appended' })
  replayed!: boolean;
}
