import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCAN_CONTENT_TYPES, SHEET_STANDINGS } from '@tally/domain';

const STANDINGS = SHEET_STANDINGS.filter((s) => s !== 'unreported');
import { TallyCountsDto } from './tally-counts.dto';
import { AnomalyDto } from './tally-write-result.dto';

/** A scan as a sheet or its history names it; GET …/scan returns its bytes. */
export class TallyScanRefDto {
  @ApiProperty({ description: 'Lowercase hex SHA-256 of the bytes (also the ETag of GET …/scan)' })
  digest!: string;
  @ApiProperty({ description: 'Bytes' }) size!: number;
  @ApiProperty({ enum: SCAN_CONTENT_TYPES }) contentType!: string;
  @ApiProperty({ description: 'Revision of the counts (submission or correction) the scan documents' })
  countsRevision!: number;
}

export class TallyScanDto extends TallyScanRefDto {
  @ApiProperty({ description: 'Stream revision of its TallyScanAttached event' }) revision!: number;
  @ApiProperty() attachedAt!: string;
}

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
  @ApiProperty({
    type: TallyScanDto,
    nullable: true,
    description: 'The latest scan, null before one is attached',
  })
  scan!: TallyScanDto | null;
  @ApiProperty({
    enum: STANDINGS,
    description: 'Whether it counts in the totals, and if not what it waits for',
  })
  standing!: string;
  @ApiProperty({ type: [String], description: 'The anomaly codes that hold it for review ([] unless held)' })
  heldOn!: string[];
  @ApiProperty({ type: [String], description: 'Fields where the two entries differ (standing discrepancy)' })
  discrepancies!: string[];
}

class TallyHistoryEntryDto {
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ type: 'integer' }) position!: number;
  @ApiProperty({
    enum: [
      'TallySubmitted',
      'TallyCorrected',
      'TallyScanAttached',
      'TallySecondEntryRecorded',
      'TallyDiscrepancyResolved',
      'TallyReviewed',
    ],
  })
  type!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { id: 'anonymous' } })
  actor!: Record<string, unknown>;
  @ApiProperty() requestId!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why it was corrected, resolved or reviewed (null for an entry and a scan)',
  })
  reason!: string | null;
  @ApiProperty({ type: [String], example: ['validBallots', 'candidateVotes.na-02-1'] })
  changedFields!: string[];
  @ApiProperty({ type: TallyCountsDto, description: 'The counts in force after this event' })
  counts!: TallyCountsDto;
  @ApiProperty({ type: TallyCountsDto, nullable: true, description: 'The counts this event replaced' })
  previousCounts!: TallyCountsDto | null;
  @ApiProperty({ type: [AnomalyDto] }) anomalies!: AnomalyDto[];
  @ApiPropertyOptional({ type: TallyScanRefDto, description: 'TallyScanAttached: the scan it attached' })
  scan?: TallyScanRefDto;
  @ApiProperty({ enum: STANDINGS, description: "The sheet's standing after this event" }) standing!: string;
  @ApiPropertyOptional({ type: [String], description: 'TallySecondEntryRecorded: where the entries differ' })
  discrepancies?: string[];
  @ApiPropertyOptional({ enum: ['release', 'correction-required'], description: 'TallyReviewed' })
  decision?: string;
}

/** OpenAPI shape of GET …/history. */
export class TallyHistoryDto {
  @ApiProperty() tallyId!: string;
  @ApiProperty({ type: 'integer', description: 'The current revision' }) revision!: number;
  @ApiProperty({ type: [TallyHistoryEntryDto], description: 'Oldest first; nothing is ever removed' })
  events!: TallyHistoryEntryDto[];
}
