import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ElectionIdParam } from '../http/route-params';
import { ID_REGEX } from '../http/validators/count-record.validator';
import { IsSafeText } from '../http/validators/safe-text.validator';

const message = '$property must be lowercase letters, digits and dashes';

export class UnitParams extends ElectionIdParam {
  @ApiProperty({ example: 'na' })
  @Matches(ID_REGEX, { message })
  contestId!: string;

  @ApiProperty({ example: 'na-01' })
  @Matches(ID_REGEX, { message })
  unitId!: string;
}

export class CertifyUnitDto {
  @ApiPropertyOptional({ example: 'Biên bản xác định kết quả bầu cử đã được Ban bầu cử ký', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsSafeText({ multiline: true })
  reason?: string;
}

export class ReasonDto {
  @ApiProperty({
    example: 'Khiếu nại về khu vực bỏ phiếu số 3 đang được xem xét',
    minLength: 10,
    maxLength: 2000,
  })
  // The minimum (10 characters once trimmed) is a rule of the domain: TALLY.REASON_TOO_SHORT, 422.
  @IsString()
  @MaxLength(2000)
  @IsSafeText({ multiline: true })
  reason!: string;
}

class CertifiedRecordDto {
  @ApiProperty({ enum: ['elected', 'supplementary-required', 're-vote-required'], nullable: true })
  outcome!: string | null;
  @ApiProperty({ enum: ['turnout-not-above-half', 'annulled'], nullable: true }) outcomeReason!:
    string | null;
  @ApiProperty({ example: 0 }) seatsUnfilled!: number;
  @ApiProperty({ type: [String], example: ['na-01-1', 'na-01-2'] }) elected!: string[];
  @ApiProperty({ example: 133, description: 'Polling areas whose sheets the record was made from' })
  pollingAreas!: number;
}

/** OpenAPI shape of UnitAnnulmentResult. */
export class UnitAnnulmentResultDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ example: 'hdnd-xa' }) contestId!: string;
  @ApiProperty({ example: 'trang-viet' }) unitId!: string;
  @ApiProperty({ description: 'Revision of the unit stream (also the ETag)' }) revision!: number;
  @ApiProperty({
    description:
      'Global position of the event; pass it as ?minPosition= to read it, ?atPosition= before it shows the outcome before',
  })
  position!: number;
  @ApiProperty({ enum: ['annulled'] }) status!: string;
  @ApiProperty({ enum: ['re-vote-required'] }) outcome!: string;
  @ApiProperty({ enum: ['annulled'] }) outcomeReason!: string;
  @ApiProperty({ description: 'When it was annulled (ISO 8601)' }) annulledAt!: string;
  @ApiProperty({ description: 'The reason, trimmed' }) reason!: string;
}

/** OpenAPI shape of UnitWriteResult. */
export class UnitWriteResultDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ example: 'na' }) contestId!: string;
  @ApiProperty({ example: 'na-01' }) unitId!: string;
  @ApiProperty({ description: 'Revision of the unit stream (also the ETag)' }) revision!: number;
  @ApiProperty({ description: 'Global position of the event; pass it as ?minPosition= to read it' })
  position!: number;
  @ApiProperty({ enum: ['certified', 'uncertified'] }) status!: string;
  @ApiProperty({
    type: CertifiedRecordDto,
    nullable: true,
    description: 'The record (null after a revocation)',
  })
  record!: CertifiedRecordDto | null;
}
