import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AuditQueries } from '@tally/read-models';
import { ApiProblems } from '../http/api-problem.decorator';
import { ElectionIdParam } from '../http/route-params';
import { ReadYourWrites } from '../results/read-your-writes';

export class AuditPageQuery {
  @ApiPropertyOptional({ description: 'Cursor: the `nextCursor` of the previous page (a global position)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Wait until the audit trail reflects this global position' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

@ApiTags('audit')
@Controller('elections/:electionId/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every event of the election in global order: who, when, why, and a short summary',
  })
  @ApiOkResponse({ description: '`items` and `nextCursor` (null on the last page)' })
  @ApiProblems(400, 503)
  async list(@Param() { electionId }: ElectionIdParam, @Query() query: AuditPageQuery) {
    await this.readYourWrites.waitFor(query.minPosition);
    return this.audit.list(electionId, { after: query.after, limit: query.limit ?? 100 });
  }
}
