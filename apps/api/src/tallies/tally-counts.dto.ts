import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsCountRecord, MAX_COUNT } from '../http/validators/count-record.validator';

/** The figures of a counting record; shared by submissions and corrections. */
export class TallyCountsDto {
  @ApiProperty({ example: 1250 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  registeredVoters!: number;

  @ApiProperty({ example: 1238 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  votersVoted!: number;

  @ApiProperty({ example: 1238 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  ballotsIssued!: number;

  @ApiProperty({ example: 1238 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  ballotsReceived!: number;

  @ApiProperty({ example: 1220 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  validBallots!: number;

  @ApiProperty({ example: 18 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  invalidBallots!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    example: { 'na-02-1': 1010, 'na-02-2': 870 },
    description: "Votes per candidate; exactly the electoral unit's candidates",
  })
  @IsCountRecord()
  candidateVotes!: Record<string, number>;
}
