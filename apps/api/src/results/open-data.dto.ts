import { ApiProperty } from '@nestjs/swagger';
import { TallyCountsDto } from '../tallies/tally-counts.dto';

class PollingAreaResultDto {
  @ApiProperty() electionId!: string;
  @ApiProperty() contestId!: string;
  @ApiProperty() unitId!: string;
  @ApiProperty() districtId!: string;
  @ApiProperty() pollingAreaId!: string;
  @ApiProperty({ type: String, nullable: true }) pollingAreaName!: string | null;
  @ApiProperty({
    enum: [
      'submitted',
      'corrected',
      'not-reported',
      'awaiting-second-entry',
      'discrepancy',
      'held',
      'correction-required',
    ],
  })
  status!: string;
  @ApiProperty({ type: Number, nullable: true, description: "The sheet's revision (its ETag)" })
  revision!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Global position of the last event of the sheet',
  })
  position!: number | null;
  @ApiProperty({ type: String, nullable: true, description: "That event's chain hash, as in the export" })
  eventHash!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "SHA-256 of the sheet's latest scan (GET …/scan)",
  })
  scanDigest!: string | null;
  @ApiProperty({ type: TallyCountsDto, nullable: true, description: 'Null while not reported' })
  counts!: TallyCountsDto | null;
}

/** GET …/results/polling-areas.json. */
export class PollingAreaResultsDto {
  @ApiProperty() electionId!: string;
  @ApiProperty({ description: 'The global position every row reflects (also the ETag)' }) position!: number;
  @ApiProperty({
    type: [PollingAreaResultDto],
    description: 'Contest by contest, unit by unit, polling area by polling area',
  })
  rows!: PollingAreaResultDto[];
}
