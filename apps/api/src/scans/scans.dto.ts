import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCAN_CONTENT_TYPES } from '@tally/domain';
import { Matches, IsOptional } from 'class-validator';

/** 201/200 of PUT …/scan. */
export class ScanWriteResultDto {
  @ApiProperty({ example: 'hn-2021.ba-dinh-0001.na' }) tallyId!: string;
  @ApiProperty({ description: 'Lowercase hex SHA-256 of the bytes; also the ETag' }) digest!: string;
  @ApiProperty({ description: 'Bytes' }) size!: number;
  @ApiProperty({ enum: SCAN_CONTENT_TYPES }) contentType!: string;
  @ApiProperty({ description: "The sheet's revision after the scan: the If-Match a correction now needs" })
  revision!: number;
  @ApiProperty({
    description: 'Global position of the TallyScanAttached event (of the earlier one on a replay)',
  })
  position!: number;
  @ApiProperty({ description: 'Revision of the counts (submission or correction) the scan documents' })
  countsRevision!: number;
  @ApiProperty({
    description: 'True when these bytes already were the scan of these counts: nothing appended',
  })
  replayed!: boolean;
}

class ScanVersionDto {
  @ApiProperty() digest!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ enum: SCAN_CONTENT_TYPES }) contentType!: string;
  @ApiProperty({ description: 'Stream revision of its TallyScanAttached event' }) revision!: number;
  @ApiProperty() countsRevision!: number;
  @ApiProperty() attachedAt!: string;
  @ApiProperty({ description: 'Global position of its TallyScanAttached event' }) position!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { id: 'officer-17', role: 'submitter' },
  })
  actor!: Record<string, unknown>;
}

/** GET …/scans. */
export class ScanListDto {
  @ApiProperty() tallyId!: string;
  @ApiProperty({ description: "The sheet's current revision" }) revision!: number;
  @ApiProperty({ type: [ScanVersionDto], description: 'Oldest first; the last is what GET …/scan returns' })
  scans!: ScanVersionDto[];
}

export class ScanVersionQuery {
  @ApiPropertyOptional({ description: 'An earlier version by its digest (see …/scans); default the latest' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'digest must be a lowercase hex SHA-256 (64 characters)' })
  digest?: string;
}
