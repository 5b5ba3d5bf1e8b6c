import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsCountRecord, MAX_COUNT } from '../http/validators/count-record.validator';

/**
 * Over HTTP a count outside these bounds is malformed input (400 REQUEST.INVALID naming the field) before any rule
 * runs; the domain's TALLY.NEGATIVE_OR_NON_INTEGER (422) only guards callers that do not come through HTTP.
 */
const COUNT = { type: 'integer', minimum: 0, maximum: MAX_COUNT } as const;

/** The figures of a counting record; shared by submissions and corrections. */
export class TallyCountsDto {
  @ApiProperty({ ...COUNT, example: 1250 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  registeredVoters!: number;

  @ApiProperty({ ...COUNT, example: 1238 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  votersVoted!: number;

  @ApiProperty({ ...COUNT, example: 1238 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  ballotsIssued!: number;

  @ApiProperty({ ...COUNT, example: 1238 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  ballotsReceived!: number;

  @ApiProperty({ ...COUNT, example: 1220 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  validBallots!: number;

  @ApiProperty({ ...COUNT, example: 18 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  invalidBallots!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0, maximum: MAX_COUNT },
    example: { 'na-02-1': 1010, 'na-02-2': 870 },
    description: "Votes per candidate; exactly the electoral unit's candidates",
  })
  @IsCountRecord()
  candidateVotes!: Record<string, number>;
}
