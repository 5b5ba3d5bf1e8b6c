import { ApiProperty } from '@nestjs/swagger';
import { REVIEW_DECISIONS } from '@tally/domain';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsSafeText } from '../http/validators/safe-text.validator';
import { TallyCountsDto } from './tally-counts.dto';

/** POST …/resolution: the figures of the paper record that settle a discrepancy between two entries. */
export class ResolveDiscrepancyDto extends TallyCountsDto {
  @ApiProperty({
    example: 'Đối chiếu với biên bản giấy: phiếu không hợp lệ là 20',
    minLength: 10,
    maxLength: 2000,
  })
  // The minimum (10 characters once trimmed) is a rule of the domain: TALLY.REASON_TOO_SHORT, 422.
  @IsString()
  @MaxLength(2000)
  @IsSafeText({ multiline: true })
  reason!: string;
}

/** POST …/review: the decision on a held sheet. */
export class ReviewSheetDto {
  @ApiProperty({
    enum: REVIEW_DECISIONS,
    description: 'release: it counts; correction-required: it stays out',
  })
  @IsIn(REVIEW_DECISIONS)
  decision!: (typeof REVIEW_DECISIONS)[number];

  @ApiProperty({ example: 'Danh sách cử tri bổ sung trong ngày bầu cử', minLength: 10, maxLength: 2000 })
  @IsString()
  @MaxLength(2000)
  @IsSafeText({ multiline: true })
  reason!: string;
}
