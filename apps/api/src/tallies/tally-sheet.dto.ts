import { ApiProperty } from '@nestjs/swagger';
import { TallyCountsDto } from './tally-counts.dto';
import { AnomalyDto } from './tally-write-result.dto';

/** OpenAPI shape of GET …/tallies/{pollingAreaId}/{contestId}. */
export class TallySheetDto {
  @ApiProperty({ example: 'hn-2021.ba-dinh-0001.na' }) tallyId!: string;
  @ApiProperty() electionId!: string;
  @ApiProperty() pollingAreaId!: string;
  @ApiProperty() contestId!: string;
  @ApiProperty() districtId!: string;
  @ApiProperty() unitId!: string;
  @ApiProperty({ enum: ['submitted', 'corrected'] }) status!: string;
  @ApiProperty({ type: 'integer', description: 'Also the ETag' }) revision!: number;
  @ApiProperty({ type: 'integer', description: 'Global position of the latest event of the sheet' })
  position!: number;
  @ApiProperty() submissionId!: string;
  @ApiProperty({ type: TallyCountsDto, description: 'The current counts (after corrections)' })
  counts!: TallyCountsDto;
  @ApiProperty({ type: [AnomalyDto] }) anomalies!: AnomalyDto[];
  @ApiProperty({ type: 'integer' }) corrections!: number;
  @ApiProperty() submittedAt!: string;
  @ApiProperty() lastChangedAt!: string;
}

class TallyHistoryEntryDto {
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ type: 'integer' }) position!: number;
  @ApiProperty({ enum: ['TallySubmitted', 'TallyCorrected'] }) type!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { id: 'anonymous' } })
  actor!: Record<string, unknown>;
  @ApiProperty() requestId!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why it was corrected (null for the submission)',
  })
  reason!: string | null;
  @ApiProperty({ type: [String], example: ['validBallots', 'candidateVotes.na-02-1'] })
  changedFields!: string[];
  @ApiProperty({ type: TallyCountsDto }) counts!: TallyCountsDto;
  @ApiProperty({ type: TallyCountsDto, nullable: true, description: 'The counts this event replaced' })
  previousCounts!: TallyCountsDto | null;
  @ApiProperty({ type: [AnomalyDto] }) anomalies!: AnomalyDto[];
}

/** OpenAPI shape of GET …/history. */
export class TallyHistoryDto {
  @ApiProperty() tallyId!: string;
  @ApiProperty({ type: 'integer', description: 'The current revision' }) revision!: number;
  @ApiProperty({ type: [TallyHistoryEntryDto], description: 'Oldest first; nothing is ever removed' })
  events!: TallyHistoryEntryDto[];
}
