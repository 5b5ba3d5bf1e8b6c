import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ID_REGEX } from './validators/count-record.validator';

const message = '$property must be lowercase letters, digits and dashes';

export class ElectionIdParam {
  @ApiProperty({ example: 'hn-2021' })
  @Matches(ID_REGEX, { message })
  electionId!: string;
}

export class TallyParams extends ElectionIdParam {
  @ApiProperty({ example: 'ba-dinh-0001' })
  @Matches(ID_REGEX, { message })
  pollingAreaId!: string;

  @ApiProperty({ example: 'na' })
  @Matches(ID_REGEX, { message })
  contestId!: string;
}

export class DistrictParams extends ElectionIdParam {
  @ApiProperty({ example: 'ba-dinh' })
  @Matches(ID_REGEX, { message })
  districtId!: string;
}
