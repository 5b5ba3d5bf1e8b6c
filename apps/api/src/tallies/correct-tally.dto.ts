import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { TallyCountsDto } from './tally-counts.dto';

export class CorrectTallyDto extends TallyCountsDto {
  @ApiProperty({ example: 'Biên bản ghi nhầm số phiếu hợp lệ: 1.220 thay vì 1.202', minLength: 10 })
  @IsString()
  @Length(10, 2000, {
    message: 'reason must be between 10 and 2000 characters: say why the sheet is corrected',
  })
  reason!: string;

  @ApiPropertyOptional({
    example: '0b6f3c1e-2f9d-4c0a-8e57-0d1c2b3a4f5e',
    description: 'Optional: a retry with the same correctionId returns the original result instead of 412',
  })
  @IsOptional()
  @IsUUID()
  correctionId?: string;
}
