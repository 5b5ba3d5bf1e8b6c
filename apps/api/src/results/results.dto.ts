import { ApiProperty, PickType } from '@nestjs/swagger';
import { CONTEST_KINDS, ROUND_KINDS } from '@tally/domain';

const KIND = {
  enum: CONTEST_KINDS,
  nullable: true,
  description: 'The contest kind of the definition; null when it gives none',
} as const;

/* OpenAPI shapes of the read-model answers (the types live in @tally/read-models; field names are a contract). */

export class CandidateResultDto {
  @ApiProperty({ example: 'na-02-1' }) candidateId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', example: 1010 }) votes!: number;
  @ApiProperty({ example: 0.8279, description: 'votes / validBallots, 4 decimals' }) share!: number;
  @ApiProperty({ description: "Provisional Art. 78 outcome of the candidate's electoral unit" })
  elected!: boolean;
}

/** A candidate in a district's results: the district may lie in several units of the contest. */
export class DistrictCandidateResultDto extends CandidateResultDto {
  @ApiProperty({ example: 'na-02', description: 'The electoral unit the votes count in' }) unitId!: string;
}

class TotalsDto {
  @ApiProperty({ type: 'integer', example: 12, description: 'Sheets in the totals' })
  pollingAreasReported!: number;
  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Sheets held for review or sent back for a correction: recorded, not in the totals',
  })
  pollingAreasHeld!: number;
  @ApiProperty({
    type: 'integer',
    example: 0,
    description:
      'Double-entry sheets awaiting their second entry or in discrepancy: recorded, not in the totals',
  })
  pollingAreasUnverified!: number;
  @ApiProperty({ type: 'integer', example: 133 }) pollingAreasExpected!: number;
  @ApiProperty({ type: 'integer', description: 'Registered voters of the reported sheets' })
  registeredVoters!: number;
  @ApiProperty({ type: 'integer' }) votersVoted!: number;
  @ApiProperty({ example: 0.9927, description: 'votersVoted / registeredVoters, 4 decimals' })
  turnout!: number;
  @ApiProperty({ type: 'integer' }) validBallots!: number;
  @ApiProperty({ type: 'integer' }) invalidBallots!: number;
}

export class DistrictContestResultDto extends TotalsDto {
  @ApiProperty({ example: 'na' }) contestId!: string;
  @ApiProperty() name!: string;
  @ApiProperty(KIND) kind!: string | null;
  @ApiProperty({ type: [DistrictCandidateResultDto] }) candidates!: DistrictCandidateResultDto[];
  @ApiProperty({
    type: () => DistrictUnitSummaryDto,
    isArray: true,
    description:
      'The units with polling areas in the district, with their (unit-wide) outcome and certification',
  })
  units!: DistrictUnitSummaryDto[];
}

export class SingleDistrictResultDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ type: 'integer', description: 'Global position these results reflect' }) position!: number;
  @ApiProperty({ example: 'ba-dinh' }) districtId!: string;
  @ApiProperty({ example: 'Ba Đình' }) name!: string;
  @ApiProperty({ type: [DistrictContestResultDto] }) contests!: DistrictContestResultDto[];
}

class DistrictResultDto {
  @ApiProperty({ example: 'ba-dinh' }) districtId!: string;
  @ApiProperty({ example: 'Ba Đình' }) name!: string;
  @ApiProperty({ type: [DistrictContestResultDto] }) contests!: DistrictContestResultDto[];
}

export class DistrictResultsDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ type: 'integer', description: 'Global position these results reflect' }) position!: number;
  @ApiProperty({ type: [DistrictResultDto] }) districts!: DistrictResultDto[];
}

const OUTCOME = {
  enum: ['elected', 'supplementary-required', 're-vote-required'],
  nullable: true,
  description:
    "The law's outcome (Art. 79, 80): elected (every seat, or two thirds for a People's Council), " +
    'supplementary-required, re-vote-required (turnout not above half, or annulled); null while nothing is counted',
} as const;
const OUTCOME_REASON = { enum: ['turnout-not-above-half', 'annulled'], nullable: true } as const;

/** A follow-up round's link to what it follows up (the definition's `round`). */
export class ContestRoundDto {
  @ApiProperty({ enum: ROUND_KINDS }) kind!: string;
  @ApiProperty({ example: 'hdnd-xa', description: 'The original contest' }) of!: string;
  @ApiProperty({ type: [String], example: ['trang-viet'], description: 'The units it holds again' })
  units!: string[];
}

/** A follow-up round of a unit, as its own contest counted it. */
export class UnitRoundResultDto {
  @ApiProperty({ example: 'hdnd-xa-lai', description: "The round's contest" }) contestId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROUND_KINDS }) kind!: string;
  @ApiProperty({ example: '2021-06-06' }) pollingDate!: string;
  @ApiProperty({ type: 'integer' }) seats!: number;
  @ApiProperty() provisional!: boolean;
  @ApiProperty(OUTCOME) outcome!: string | null;
  @ApiProperty(OUTCOME_REASON) outcomeReason!: string | null;
  @ApiProperty({ type: 'integer' }) seatsUnfilled!: number;
  @ApiProperty({ type: [String], description: 'Candidate ids elected in the round' }) elected!: string[];
}

class CombinedWinnerDto {
  @ApiProperty() candidateId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The contest (original or round) that elected them' }) contestId!: string;
}

/** The unit over all its rounds: a supplementary round adds winners for the unfilled seats, a re-vote replaces. */
export class CombinedUnitResultDto {
  @ApiProperty(OUTCOME) outcome!: string | null;
  @ApiProperty(OUTCOME_REASON) outcomeReason!: string | null;
  @ApiProperty({ type: 'integer' }) seatsUnfilled!: number;
  @ApiProperty({ description: 'The unit or one of its rounds is still provisional' }) provisional!: boolean;
  @ApiProperty({ description: "The contest that decided last: the unit's own or its latest counted round" })
  decidedBy!: string;
  @ApiProperty({ type: [CombinedWinnerDto] }) elected!: CombinedWinnerDto[];
}

/** The record of a certified unit, as the results show it. */
export class UnitCertificationDto {
  @ApiProperty({ description: 'When it was certified (ISO 8601)' }) at!: string;
  @ApiProperty({ example: 'city-admin', description: 'The actor id that certified it' }) by!: string;
  @ApiProperty({
    type: 'integer',
    description: 'Global position of the certification (time travel before it shows the unit uncertified)',
  })
  position!: number;
}

const CERTIFIED = {
  type: UnitCertificationDto,
  nullable: true,
  description: 'Null until certified, and again after a revocation',
} as const;

/** The annulment of a unit's result (Art. 80), as the results show it. */
export class UnitAnnulmentDto {
  @ApiProperty({ description: 'When it was annulled (ISO 8601)' }) at!: string;
  @ApiProperty({ example: 'city-admin', description: 'The actor id that annulled it' }) by!: string;
  @ApiProperty({ example: 'Số phiếu thu vào nhiều hơn số phiếu phát ra 75 phiếu' }) reason!: string;
}

const ANNULMENT = {
  type: UnitAnnulmentDto,
  nullable: true,
  description:
    "Null unless the unit's result was annulled; then outcome is re-vote-required, outcomeReason annulled",
} as const;

export class UnitResultDto extends TotalsDto {
  @ApiProperty({ example: 'na-02' }) unitId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', example: 3 }) seats!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Voters on the lists of all polling areas of the unit (definition)',
  })
  expectedRegisteredVoters!: number;
  @ApiProperty({ description: 'Not every polling area of the unit has reported yet' }) provisional!: boolean;
  @ApiProperty({
    enum: ['no_ballots', 'turnout_not_above_half', 'seats_filled', 'seats_unfilled'],
    description: 'What the counts say under Art. 78',
  })
  status!: string;
  @ApiProperty({
    enum: ['elected', 'supplementary-required', 're-vote-required'],
    nullable: true,
    description:
      "The law's outcome (Art. 79, 80): elected (every seat, or two thirds for a People's Council), " +
      'supplementary-required, re-vote-required (turnout not above half, or annulled); null while nothing is counted',
  })
  outcome!: string | null;
  @ApiProperty({ enum: ['turnout-not-above-half', 'annulled'], nullable: true })
  outcomeReason!: string | null;
  @ApiProperty({ example: 0, description: 'Seats without a winner' }) seatsUnfilled!: number;
  @ApiProperty({ description: 'Equal votes and birth dates compete for the last seat' })
  unresolvedTie!: boolean;
  @ApiProperty({ type: [CandidateResultDto], description: 'By votes, then age (older first)' })
  candidates!: CandidateResultDto[];
  @ApiProperty({
    type: [UnitRoundResultDto],
    description: 'Its follow-up rounds in definition order; [] for none',
  })
  rounds!: UnitRoundResultDto[];
  @ApiProperty({ type: CombinedUnitResultDto }) combined!: CombinedUnitResultDto;
  @ApiProperty(CERTIFIED) certified!: UnitCertificationDto | null;
  @ApiProperty(ANNULMENT) annulment!: UnitAnnulmentDto | null;
}

/** A unit in a district's results: its unit-wide outcome, certification and rounds (the votes: the city results). */
export class DistrictUnitSummaryDto extends PickType(UnitResultDto, [
  'unitId',
  'name',
  'outcome',
  'outcomeReason',
  'seatsUnfilled',
  'provisional',
  'certified',
  'annulment',
  'rounds',
  'combined',
] as const) {}

export class CityContestResultDto extends TotalsDto {
  @ApiProperty({ example: 'na' }) contestId!: string;
  @ApiProperty() name!: string;
  @ApiProperty(KIND) kind!: string | null;
  @ApiProperty({
    type: ContestRoundDto,
    nullable: true,
    description: 'For a follow-up round: what it follows up; null for an original contest',
  })
  round!: ContestRoundDto | null;
  @ApiProperty({ example: '2021-05-23', description: "The election's polling day, or a round's own" })
  pollingDate!: string;
  @ApiProperty({ description: 'Every expected polling area has reported' }) complete!: boolean;
  @ApiProperty({ type: 'integer', description: 'Units of the contest certified' }) unitsCertified!: number;
  @ApiProperty({ type: 'integer' }) unitsTotal!: number;
  @ApiProperty({ type: [UnitResultDto] }) units!: UnitResultDto[];
}

export class CityResultsDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ type: 'integer', description: 'Global position these results reflect' }) position!: number;
  @ApiProperty({ type: 'integer', description: 'Units certified, over every contest (also with ?contest=)' })
  unitsCertified!: number;
  @ApiProperty({ type: 'integer' }) unitsTotal!: number;
  @ApiProperty({
    description: 'Every unit of every contest is certified: the results are official, no longer provisional',
  })
  official!: boolean;
  @ApiProperty({ type: [CityContestResultDto], description: 'Totals are the sums of the district rows' })
  contests!: CityContestResultDto[];
}

class AuditItemDto {
  @ApiProperty({ type: 'integer' }) position!: number;
  @ApiProperty({ example: 'tally-hn-2021.ba-dinh-0001.na' }) streamId!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ example: 'TallyCorrected' }) type!: string;
  @ApiProperty({ example: '2021-05-23T21:04:11.000Z' }) recordedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { id: 'officer-17', role: 'submitter', districts: ['ba-dinh'] },
  })
  actor!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'x-request-id of the request that recorded it' })
  requestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) correlationId!: string | null;
  @ApiProperty() summary!: string;
  @ApiProperty({ nullable: true, type: String }) pollingAreaId!: string | null;
  @ApiProperty({ nullable: true, type: String }) contestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) districtId!: string | null;
}

export class AuditPageDto {
  @ApiProperty() electionId!: string;
  @ApiProperty({ type: 'integer', description: "The audit trail's position when the page was read" })
  position!: number;
  @ApiProperty({ type: [AuditItemDto] }) items!: AuditItemDto[];
  @ApiProperty({ nullable: true, type: 'integer', description: 'Pass as `after` for the next page' })
  nextCursor!: number | null;
}
