import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { AMENDMENT_CHANGE_TYPES, RENAME_TARGETS } from '@tally/domain';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ID_REGEX, MAX_COUNT } from '../http/validators/count-record.validator';
import { IsSafeText } from '../http/validators/safe-text.validator';
import { CandidateDto, ContestDto, PollingAreaDto } from './define-election.dto';

const ID_MESSAGE =
  '$property must be 1-64 lowercase letters, digits or dashes, starting with a letter or digit';

/** Every change names its kind; a kind this api does not know is refused (400) with the kinds it knows. */
export class AmendmentChangeDto {
  @ApiProperty({ enum: AMENDMENT_CHANGE_TYPES })
  @IsIn(AMENDMENT_CHANGE_TYPES, { message: `type must be one of ${AMENDMENT_CHANGE_TYPES.join(', ')}` })
  type!: (typeof AMENDMENT_CHANGE_TYPES)[number];
}

export class UnitRefDto {
  @ApiProperty({ example: 'hdnd-tp' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  contestId!: string;

  @ApiProperty({ example: 'tp-07' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  unitId!: string;
}

export class WithdrawCandidateDto extends AmendmentChangeDto {
  @ApiProperty({ example: 'na' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  contestId!: string;

  @ApiProperty({ example: 'na-10-4' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  candidateId!: string;
}

export class AddCandidateDto extends AmendmentChangeDto {
  @ApiProperty({ example: 'na' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  contestId!: string;

  @ApiProperty({ example: 'na-10' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  unitId!: string;

  @ApiProperty({ type: CandidateDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => CandidateDto)
  candidate!: CandidateDto;
}

export class AddPollingAreaDto extends AmendmentChangeDto {
  @ApiProperty({ type: PollingAreaDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PollingAreaDto)
  pollingArea!: PollingAreaDto;

  @ApiPropertyOptional({
    type: [UnitRefDto],
    description:
      'For contests whose units list polling areas: the unit it joins (units by district take it anyway)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true, message: 'each unit must be an object' })
  @ValidateNested({ each: true })
  @Type(() => UnitRefDto)
  units?: UnitRefDto[];
}

export class RemovePollingAreaDto extends AmendmentChangeDto {
  @ApiProperty({ example: 'me-linh-0042' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  pollingAreaId!: string;
}

export class MovePollingAreaDto extends AmendmentChangeDto {
  @ApiProperty({ example: 'me-linh-0042' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  pollingAreaId!: string;

  @ApiPropertyOptional({ example: 'soc-son', description: 'The district it moves to' })
  @IsOptional()
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  districtId?: string;

  @ApiPropertyOptional({ type: [UnitRefDto], description: 'Per contest, the unit it belongs to from now on' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true, message: 'each unit must be an object' })
  @ValidateNested({ each: true })
  @Type(() => UnitRefDto)
  units?: UnitRefDto[];
}

export class ChangeRegisteredVotersDto extends AmendmentChangeDto {
  @ApiProperty({ example: 'ba-dinh-0001' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  pollingAreaId!: string;

  @ApiProperty({ example: 1312 })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  registeredVoters!: number;
}

export class ChangeSeatsDto extends AmendmentChangeDto {
  @ApiProperty({ example: 'hdnd-tp' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  contestId!: string;

  @ApiProperty({ example: 'tp-07' })
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  unitId!: string;

  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  @Max(100)
  seats!: number;
}

export class RenameDto extends AmendmentChangeDto {
  @ApiProperty({ enum: RENAME_TARGETS })
  @IsIn(RENAME_TARGETS, { message: `target must be one of ${RENAME_TARGETS.join(', ')}` })
  target!: (typeof RENAME_TARGETS)[number];

  @ApiPropertyOptional({
    example: 'ba-dinh',
    description: 'The id of the district, polling area, contest, unit or candidate; none for the election',
  })
  @IsOptional()
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  id?: string;

  @ApiPropertyOptional({ example: 'na', description: 'For a unit or a candidate: its contest' })
  @IsOptional()
  @Matches(ID_REGEX, { message: ID_MESSAGE })
  contestId?: string;

  @ApiProperty({ example: 'Quận Ba Đình' })
  @IsString()
  @Length(1, 300)
  @IsSafeText()
  name!: string;
}

/** A follow-up round: a contest with `round` and its own `pollingDate` (docs/api.md, Follow-up rounds). */
export class AddRoundDto extends AmendmentChangeDto {
  @ApiProperty({ type: ContestDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ContestDto)
  contest!: ContestDto;
}

export const CHANGE_DTOS = [
  WithdrawCandidateDto,
  AddCandidateDto,
  AddPollingAreaDto,
  RemovePollingAreaDto,
  MovePollingAreaDto,
  ChangeRegisteredVotersDto,
  ChangeSeatsDto,
  RenameDto,
  AddRoundDto,
];

const DTO_OF_TYPE = new Map<string, new () => AmendmentChangeDto>(
  AMENDMENT_CHANGE_TYPES.map((type, i) => [type, CHANGE_DTOS[i]]),
);

/**
 * Each change as the class of its `type` (the base class for an unknown one, so its fields are refused); anything
 * that is not an object stays as it is for @IsObject to refuse. class-transformer's own discriminator throws on a
 * null element, hence this.
 */
function toChangeDto(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const type = (value as { type?: unknown }).type;
  const dto = (typeof type === 'string' && DTO_OF_TYPE.get(type)) || AmendmentChangeDto;
  return plainToInstance(dto, value);
}

export class AmendElectionDto {
  @ApiProperty({
    example: 'Nghị quyết của Hội đồng bầu cử quốc gia ngày 16/5/2021: xóa tên ứng cử viên khỏi danh sách',
    minLength: 10,
    maxLength: 2000,
  })
  // The minimum (10 characters once trimmed) is a rule of the domain: ELECTION.AMENDMENT_REASON_TOO_SHORT, 422.
  @IsString()
  @MaxLength(2000)
  @IsSafeText({ multiline: true })
  reason!: string;

  @ApiProperty({
    description: 'Applied in order: a change sees the ones before it',
    type: 'array',
    items: { oneOf: CHANGE_DTOS.map((dto) => ({ $ref: getSchemaPath(dto) })) },
    example: [{ type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-10-4' }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true, message: 'each change must be an object' })
  @ValidateNested({ each: true })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(toChangeDto) : value))
  changes!: AmendmentChangeDto[];
}

/** OpenAPI shape of AmendElectionResult (the 201 of an amendment). */
export class AmendElectionResultDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ example: 1, description: "The definition's new revision; also the ETag" }) revision!: number;
  @ApiProperty({ example: 4831, description: 'Global position of ElectionAmended: pass it as ?minPosition=' })
  position!: number;
  @ApiProperty({
    example: false,
    description:
      'true: a retry of the last amendment (the same If-Match, reason and changes), answered with it; nothing was appended',
  })
  replayed!: boolean;
}
