import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
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
    const page = await this.audit.list(electionId, { after: query.after, limit: query.limit ?? 100 });
    return projected(this.catalog, electionId, page);
  }
}
