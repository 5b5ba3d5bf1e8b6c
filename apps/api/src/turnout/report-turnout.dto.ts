import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ID_REGEX } from '../http/validators/count-record.validator';

/** Only the shapes are checked here; the rules (integer ≥ 0, ≤ registered, asOf on the polling day) are the domain's. */
export class ReportTurnoutDto {
  @ApiProperty({
    example: '2b9e4c1a-5d3f-4e2a-9c8b-7a6f5e4d3c2b',
    description: 'Chosen by the client; a retry with the same id and body returns the original result',
  })
  @IsUUID()
  reportId!: string;

  @ApiProperty({ example: 'ba-dinh-0001' })
  @Matches(ID_REGEX, { message: 'pollingAreaId must be lowercase letters, digits and dashes' })
  pollingAreaId!: string;

  @ApiProperty({
    example: '2021-05-23T12:30:00+07:00',
    description: 'The instant the figure describes: ISO-8601 with a zone, on the polling day (local time)',
  })
  @IsString()
  @Length(1, 64)
  asOf!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 812,
    description:
      'Voters who have voted so far in the polling area. Any JSON number passes the shape check: a negative or ' +
      'fractional one is 422 TURNOUT.NEGATIVE_OR_NON_INTEGER',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  votersVoted!: number;
}

export class TurnoutWriteResultDto {
  @ApiProperty() reportId!: string;
  @ApiProperty({ example: 'ba-dinh-0001' }) pollingAreaId!: string;
  @ApiProperty({ type: 'integer', description: 'Revision of the report in its polling area stream' })
  revision!: number;
  @ApiProperty({ type: 'integer', description: 'Global position: pass as ?minPosition= to read it back' })
  position!: number;
  @ApiProperty({ description: 'True when this was a retry of a stored report' }) replayed!: boolean;
}
