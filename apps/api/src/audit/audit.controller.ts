import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { RequestValidationProblem } from '../http/problem';
import { ID_REGEX } from '../http/validators/count-record.validator';
import { StrictInt } from '../http/validators/strict-int.transform';
import { AuditQueries } from '@tally/read-models';
import { Allow } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { ElectionIdParam } from '../http/route-params';
import { ReadYourWrites } from '../results/read-your-writes';
import { projected } from '../results/projected';
import { MinPositionQuery } from '../results/results.query-params';
import { ElectionCatalog } from '../elections/election-catalog';
import { AuditPageDto } from '../results/results.dto';

export class AuditPageQuery extends MinPositionQuery {
  @ApiPropertyOptional({ description: 'Cursor: the `nextCursor` of the previous page (a global position)' })
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only events of this district', example: 'ba-dinh' })
  @IsOptional()
  @Matches(ID_REGEX, { message: '$property must be lowercase letters, digits and dashes' })
  district?: string;

  @ApiPropertyOptional({ description: 'Only events of this polling area', example: 'ba-dinh-0001' })
  @IsOptional()
  @Matches(ID_REGEX, { message: '$property must be lowercase letters, digits and dashes' })
  pollingArea?: string;

  @ApiPropertyOptional({ description: 'Only events of this contest', example: 'na' })
  @IsOptional()
  @Matches(ID_REGEX, { message: '$property must be lowercase letters, digits and dashes' })
  contest?: string;

  @ApiPropertyOptional({ description: "Only events of this actor (the actor's id)", example: 'anonymous' })
  @IsOptional()
  @Matches(/^[\S]{1,128}$/, { message: '$property must be 1 to 128 characters without spaces' })
  @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({ description: 'Only events of this type', example: 'TallyCorrected' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9]{0,63}$/, { message: '$property must be an event type name' })
  type?: string;

  @ApiPropertyOptional({ description: 'Recorded at or after this instant (ISO 8601 with a time zone)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: '$property must carry a time zone (Z or ±hh:mm)' })
  from?: string;

  @ApiPropertyOptional({ description: 'Recorded at or before this instant (ISO 8601 with a time zone)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: '$property must carry a time zone (Z or ±hh:mm)' })
  to?: string;
}

@ApiTags('audit')
@Allow('read-audit')
@Controller('elections/:electionId/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every event of the election in global order: who, when, why, and a short summary',
  })
  @ApiOkResponse({ type: AuditPageDto, description: '`items` and `nextCursor` (null on the last page)' })
  @ApiProblems(400, 404, 503)
  async list(@Param() { electionId }: ElectionIdParam, @Query() query: AuditPageQuery) {
    await this.readYourWrites.waitFor(query.minPosition);
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from.getTime() > to.getTime()) {
      throw new RequestValidationProblem([{ field: 'to', message: 'to must not lie before from' }]);
    }
    const page = await this.audit.list(electionId, {
      after: query.after,
      limit: query.limit ?? 100,
      districtId: query.district,
      pollingAreaId: query.pollingArea,
      contestId: query.contest,
      actor: query.actor,
      type: query.type,
      from,
      to,
    });
    return projected(this.catalog, electionId, page);
  }
}
