import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { ID_REGEX } from '../http/validators/count-record.validator';
import { TallyCountsDto } from './tally-counts.dto';

export class SubmitTallyDto extends TallyCountsDto {
  @ApiProperty({
    example: '5f0c2a1e-8a4b-4c6e-9f1d-2b3c4d5e6f70',
    description: 'Chosen by the client; a retry with the same id and body returns the original result',
  })
  @IsUUID()
  submissionId!: string;

  @ApiProperty({ example: 'ba-dinh-0001' })
  @Matches(ID_REGEX, { message: 'pollingAreaId must be lowercase letters, digits and dashes' })
  pollingAreaId!: string;

  @ApiProperty({ example: 'na' })
  @Matches(ID_REGEX, { message: 'contestId must be lowercase letters, digits and dashes' })
  contestId!: string;
}
