import { ApiProperty, ApiPropertyOptional, getSchemaPath, OmitType, SchemaObject } from '@nestjs/swagger';
import {
  CandidateResultDto,
  CityContestResultDto,
  CityResultsDto,
  DistrictContestResultDto,
  UnitResultDto,
} from '../results/results.dto';
import { TurnoutViewDto } from '../turnout/turnout.dto';

/* OpenAPI shapes of the live stream's messages (the types and the protocol: live.contract.ts). The rows are those of
   the results endpoints without the ratios (`turnout` of a total, `share` of a candidate): the viewer derives them. */

class LiveDistrictContestDto extends OmitType(DistrictContestResultDto, [
  'candidates',
  'turnout',
  'units',
] as const) {}

class LiveDistrictDto {
  @ApiProperty({ example: 'ba-dinh' }) districtId!: string;
  @ApiProperty({ example: 'Ba Đình' }) name!: string;
  @ApiProperty({
    type: [LiveDistrictContestDto],
    description: 'Per-candidate votes: GET …/results/districts/{d}',
  })
  contests!: LiveDistrictContestDto[];
}

class LiveCandidateDto extends OmitType(CandidateResultDto, ['share'] as const) {}

class LiveUnitDto extends OmitType(UnitResultDto, ['turnout', 'candidates'] as const) {
  @ApiProperty({ type: [LiveCandidateDto], description: 'By votes, then age (older first)' })
  candidates!: LiveCandidateDto[];
}

class LiveCityContestDto extends OmitType(CityContestResultDto, ['turnout', 'units'] as const) {
  @ApiProperty({ type: [LiveUnitDto] }) units!: LiveUnitDto[];
}

class LiveCityDto extends OmitType(CityResultsDto, ['contests'] as const) {
  @ApiProperty({ type: [LiveCityContestDto] }) contests!: LiveCityContestDto[];
}

const DELTA =
  'A delta (applyDelta in apps/api/src/screen/public/js/delta.js) to the state at `fromPosition`: ' +
  '`{ "$set": v }` replaces with v; for an object, the changed keys with their deltas; for an array keyed by ' +
  'districtId / contestId / unitId / candidateId / at, the changed elements by id and, when the order changed, ' +
  '`"$order"`: the ids in the new order. Absent: nothing changed.';

class LiveActorDto {
  @ApiProperty({ example: 'city-admin' }) id!: string;
  @ApiPropertyOptional({ example: 'admin' }) role?: string;
}

class LiveCorrectionChangeDto {
  @ApiProperty({ example: 'candidateVotes.na-01-1' }) field!: string;
  @ApiProperty({ type: 'integer', example: 600 }) before!: number;
  @ApiProperty({ type: 'integer', example: 300 }) after!: number;
}

class LiveCorrectionDto {
  @ApiProperty({ type: 'integer', description: 'Global position of the TallyCorrected event' })
  position!: number;
  @ApiProperty({ description: 'When the correction was recorded (ISO 8601)' }) at!: string;
  @ApiPropertyOptional({ description: "The client's retry key of the correction, when it sent one" })
  correctionId?: string;
  @ApiProperty({ example: 'ba-dinh' }) districtId!: string;
  @ApiProperty({ example: 'ba-dinh-0002' }) pollingAreaId!: string;
  @ApiProperty({ example: 'na' }) contestId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: LiveActorDto }) actor!: LiveActorDto;
  @ApiProperty({ type: [LiveCorrectionChangeDto] }) changes!: LiveCorrectionChangeDto[];
}

class TimelinePointDto {
  @ApiProperty({ description: 'ISO 8601' }) at!: string;
  @ApiProperty({ type: 'integer', description: 'Global position the point reflects' }) position!: number;
  @ApiProperty({ example: 0.4512, description: 'City turnout so far, 0..1' }) turnout!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { na: 0.25, 'hdnd-tp': 0.5 },
    description: 'Share of expected polling areas reported, 0..1, per contestId',
  })
  reporting!: Record<string, number>;
}

export class LiveSnapshotDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '2021-05-23' }) pollingDate!: string;
  @ApiProperty({ type: 'integer', description: 'Global position the snapshot reflects (also the SSE id)' })
  position!: number;
  @ApiProperty({ description: 'When the snapshot was taken (ISO 8601)' }) at!: string;
  @ApiProperty({ type: [LiveDistrictDto] }) districts!: LiveDistrictDto[];
  @ApiProperty({ type: LiveCityDto }) city!: LiveCityDto;
  @ApiProperty({ type: TurnoutViewDto }) turnout!: TurnoutViewDto;
  @ApiProperty({
    type: [LiveCorrectionDto],
    description: 'The latest corrections, newest first (at most 20)',
  })
  corrections!: LiveCorrectionDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 'ba-dinh': 2 },
    description: 'Corrections per district up to `position` (districts without any are absent)',
  })
  correctionsByDistrict!: Record<string, number>;
  @ApiProperty({ type: [TimelinePointDto], description: 'Oldest first' }) timeline!: TimelinePointDto[];
}

export class LiveUpdateDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({
    type: 'integer',
    description: 'Global position of the last event covered (also the SSE id)',
  })
  position!: number;
  @ApiProperty({
    type: 'integer',
    description: 'The update covers the events after this position and applies to the state there',
  })
  fromPosition!: number;
  @ApiProperty({ description: 'ISO 8601' }) at!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `What changed in \`districts\` (only districts the events touched). ${DELTA}`,
  })
  districts?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `What changed in \`city\`. ${DELTA}`,
  })
  city?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `What changed in \`turnout\`. ${DELTA}`,
  })
  turnout?: Record<string, unknown>;
  @ApiProperty({
    type: [LiveCorrectionDto],
    description: 'Corrections among the covered events, newest first',
  })
  corrections!: LiveCorrectionDto[];
  @ApiProperty({ type: [TimelinePointDto], description: 'Points to append to the timeline' })
  timeline!: TimelinePointDto[];
}

const SSE_ID = 'The global position of the last event the message covers: send it back as Last-Event-ID';

/** One `event: snapshot` message: `data` is the JSON text of a LiveSnapshot. */
export class LiveSnapshotMessageDto {
  @ApiProperty({ example: '42', description: SSE_ID }) id!: string;
  @ApiProperty({ enum: ['snapshot'] }) event!: 'snapshot';
  @ApiProperty({ type: LiveSnapshotDto }) data!: LiveSnapshotDto;
}

/** One `event: update` message: `data` is the JSON text of a LiveUpdate. */
export class LiveUpdateMessageDto {
  @ApiProperty({ example: '43', description: SSE_ID }) id!: string;
  @ApiProperty({ enum: ['update'] }) event!: 'update';
  @ApiProperty({ type: LiveUpdateDto }) data!: LiveUpdateDto;
}

/**
 * The schema of one message of the stream, as OpenAPI 3.2's `itemSchema` for text/event-stream describes it (id,
 * event, data; `data` is sent as JSON text). Comments (`: heartbeat`) and the first `retry: 2000` carry no data.
 */
export const LIVE_MESSAGE_SCHEMA: SchemaObject = {
  description:
    'One Server-Sent Events message: first a snapshot (unless resuming with Last-Event-ID), then updates',
  oneOf: [{ $ref: getSchemaPath(LiveSnapshotMessageDto) }, { $ref: getSchemaPath(LiveUpdateMessageDto) }],
};
