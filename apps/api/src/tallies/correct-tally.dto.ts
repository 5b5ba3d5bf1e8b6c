import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsSafeText } from '../http/validators/safe-text.validator';
import { TallyCountsDto } from './tally-counts.dto';

export class CorrectTallyDto extends TallyCountsDto {
  @ApiProperty({
    example: 'Biên bản ghi nhầm số phiếu hợp lệ: 1.220 thay vì 1.202',
    minLength: 10,
    maxLength: 2000,
  })
  // The minimum (10 characters once trimmed) is a rule of the domain: TALLY.REASON_TOO_SHORT, 422.
  @IsString()
  @MaxLength(2000)
  @IsSafeText({ multiline: true })
  reason!: string;

  @ApiPropertyOptional({
    example: '0b6f3c1e-2f9d-4c0a-8e57-0d1c2b3a4f5e',
    description:
      'Optional retry key: the same correctionId with the same body returns the original result (even with the old ' +
      'If-Match); with another body it is 409 TALLY.CORRECTION_ID_REUSED',
  })
  @IsOptional()
  @IsUUID()
  correctionId?: string;
}
