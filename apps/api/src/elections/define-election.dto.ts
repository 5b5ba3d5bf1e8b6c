import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ANOMALY_CODES, CONTEST_KINDS, ContestKind, ROUND_KINDS, RoundKind } from '@tally/domain';
import { ID_REGEX, MAX_COUNT } from '../http/validators/count-record.validator';
import { IsSafeText } from '../http/validators/safe-text.validator';

const ID_MESSAGE =
  '$property must be 1-64 lowercase letters, digits or dashes, starting with a letter or digit';

export class DistrictDto {
  @ApiProperty({ example: 'ba-dinh' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  districtId!: string;

  @ApiProperty({ example: 'Ba Đình' })
  @IsString()
  @Length(1, 200)
  @IsSafeText()
  name!: string;
}

export class PollingAreaDto {
  @ApiProperty({ example: 'ba-dinh-0001' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  pollingAreaId!: string;

  @ApiProperty({ example: 'ba-dinh' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  districtId!: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_COUNT, example: 1250 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  registeredVoters!: number;

  @ApiPropertyOptional({ example: 'Khu vực bỏ phiếu số 1, phường Phúc Xá' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsSafeText()
  name?: string;
}

export class CandidateDto {
  @ApiProperty({ example: 'na-02-1' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  candidateId!: string;

  @ApiProperty({ example: 'Nguyễn Văn A' })
  @IsString()
  @Length(1, 200)
  @IsSafeText()
  name!: string;

  @ApiProperty({ example: '1965-04-12', description: 'Ties for the last seat go to the older candidate' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be a date YYYY-MM-DD' })
  birthDate!: string;
}

export class ElectoralUnitDto {
  @ApiProperty({ example: 'na-02' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  unitId!: string;

  @ApiProperty({ example: 'Đơn vị số 2' })
  @IsString()
  @Length(1, 200)
  @IsSafeText()
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 3 })
  @IsInt()
  @Min(1)
  @Max(100)
  seats!: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'The unit covers these whole districts (or give pollingAreaIds)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ID_REGEX, { each: true, message: ID_MESSAGE })
  districtIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'The unit covers these polling areas (or give districtIds)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20_000)
  @Matches(ID_REGEX, { each: true, message: ID_MESSAGE })
  pollingAreaIds?: string[];

  @ApiProperty({ type: [CandidateDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CandidateDto)
  candidates!: CandidateDto[];
}

/** `"verification": { "doubleEntry": true }` */
export class VerificationDto {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  doubleEntry?: boolean;
}

/** `"review": { "holdOn": [anomaly codes] }` */
export class ReviewRulesDto {
  @ApiPropertyOptional({ type: [String], enum: ANOMALY_CODES, example: ['ANOMALY.VOTERS_EXCEED_LIST'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsIn(ANOMALY_CODES, { each: true })
  holdOn?: string[];
}

/** What a follow-up round follows up (Art. 79 bầu cử thêm, Art. 80 bầu cử lại). */
export class ContestRoundInputDto {
  @ApiProperty({ enum: ROUND_KINDS, example: 're-vote' })
  @IsIn(ROUND_KINDS)
  kind!: RoundKind;

  @ApiProperty({ example: 'hdnd-xa', description: 'The original contest' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  of!: string;

  @ApiProperty({ type: [String], example: ['trang-viet'], description: 'Exactly the units it holds again' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50_000)
  @Matches(ID_REGEX, { each: true, message: ID_MESSAGE })
  units!: string[];
}

export class ContestDto {
  @ApiProperty({ example: 'na' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  contestId!: string;

  @ApiProperty({ example: 'Quốc hội khóa XV' })
  @IsString()
  @Length(1, 200)
  @IsSafeText()
  name!: string;

  @ApiPropertyOptional({
    enum: CONTEST_KINDS,
    example: 'national-assembly',
    description:
      "Decides when a unit's seats are filled enough (Art. 79): the National Assembly needs every seat, a People's " +
      'Council two thirds. Without it a unit is judged like the National Assembly.',
  })
  @IsOptional()
  @IsIn(CONTEST_KINDS)
  kind?: ContestKind;

  @ApiPropertyOptional({
    type: ContestRoundInputDto,
    description:
      'Only for a follow-up round: the contest and units it follows up (its units carry the same ids)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContestRoundInputDto)
  round?: ContestRoundInputDto;

  @ApiPropertyOptional({
    example: '2021-06-06',
    description: 'Only for a follow-up round: its own polling day',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'pollingDate must be a date YYYY-MM-DD' })
  pollingDate?: string;

  @ApiProperty({ type: [ElectoralUnitDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50_000)
  @ValidateNested({ each: true })
  @Type(() => ElectoralUnitDto)
  electoralUnits!: ElectoralUnitDto[];
}

export class DefineElectionDto {
  @ApiProperty({ example: 'hn-2021' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  electionId!: string;

  @ApiProperty({ example: 'Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp, Hà Nội' })
  @IsString()
  @Length(1, 300)
  @IsSafeText()
  name!: string;

  @ApiProperty({ example: '2021-05-23' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'pollingDate must be a date YYYY-MM-DD' })
  pollingDate!: string;

  @ApiPropertyOptional({ example: '+07:00', description: 'Local time of the polling day; default +07:00' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  utcOffset?: string;

  @ApiPropertyOptional({
    example: ['12:30', '18:30', '19:30'],
    description: 'Local times (HH:MM) at which turnout is reported; default 12:30, 18:30, 19:30',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @IsString({ each: true })
  turnoutReportingTimes?: string[];

  @ApiPropertyOptional({
    example: true,
    description:
      'The scanned counting records (GET …/scan) are public; default false: admins and auditors only',
  })
  @IsOptional()
  @IsBoolean()
  publishScans?: boolean;

  @ApiPropertyOptional({
    type: VerificationDto,
    description: 'doubleEntry: a sheet counts only once a second official entered the same figures',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VerificationDto)
  verification?: VerificationDto;

  @ApiPropertyOptional({
    type: ReviewRulesDto,
    description:
      'holdOn: the anomaly codes that hold a sheet for review; default ["ANOMALY.VOTERS_EXCEED_LIST"]',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReviewRulesDto)
  review?: ReviewRulesDto;

  @ApiProperty({ type: [DistrictDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => DistrictDto)
  districts!: DistrictDto[];

  @ApiProperty({ type: [PollingAreaDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200_000)
  @ValidateNested({ each: true })
  @Type(() => PollingAreaDto)
  pollingAreas!: PollingAreaDto[];

  @ApiProperty({ type: [ContestDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ContestDto)
  contests!: ContestDto[];
}
