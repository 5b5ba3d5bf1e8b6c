import { ApiProperty } from '@nestjs/swagger';

/* OpenAPI shapes of the turnout answers (the types live in @tally/read-models and live.contract.ts). */

class TurnoutAtTimeDto {
  @ApiProperty({ example: '2021-05-23T05:30:00.000Z', description: 'The reporting time' }) at!: string;
  @ApiProperty({ type: 'integer' }) votersVoted!: number;
  @ApiProperty({ example: 0.4512, description: 'votersVoted / registeredVoters, 4 decimals' })
  turnout!: number;
  @ApiProperty({ type: 'integer' }) pollingAreasReported!: number;
}

class LatestTurnoutDto {
  @ApiProperty({ type: 'integer' }) votersVoted!: number;
  @ApiProperty({ example: 0.9876 }) turnout!: number;
  @ApiProperty({ type: 'integer' }) pollingAreasReported!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Polling areas whose latest report equals their registered voters',
  })
  pollingAreasComplete!: number;
}

class TurnoutFiguresDto {
  @ApiProperty({ type: 'integer', description: 'Of every polling area (definition)' })
  registeredVoters!: number;
  @ApiProperty({ type: 'integer' }) pollingAreasExpected!: number;
  @ApiProperty({ type: LatestTurnoutDto }) latest!: LatestTurnoutDto;
  @ApiProperty({ type: [TurnoutAtTimeDto], description: 'One per reporting time, oldest first' })
  byReportingTime!: TurnoutAtTimeDto[];
}

class DistrictTurnoutDto extends TurnoutFiguresDto {
  @ApiProperty({ example: 'ba-dinh' }) districtId!: string;
  @ApiProperty({ example: 'Ba Đình' }) name!: string;
}

export class TurnoutViewDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ type: 'integer', description: 'Global position these figures reflect' }) position!: number;
  @ApiProperty({ type: TurnoutFiguresDto }) city!: TurnoutFiguresDto;
  @ApiProperty({ type: [DistrictTurnoutDto] }) districts!: DistrictTurnoutDto[];
}

class ElectionListItemDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '2021-05-23' }) pollingDate!: string;
}

export class ElectionListDto {
  @ApiProperty({ type: [ElectionListItemDto], description: 'Newest polling date first' })
  elections!: ElectionListItemDto[];
}
