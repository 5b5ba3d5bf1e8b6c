import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@tally/domain';
import { TurnoutQueries } from '@tally/read-models';
import type { FastifyReply } from 'fastify';
import { ElectionCatalog } from '../elections/election-catalog';
import { Allow, Public } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { CacheByPosition } from '../http/cache-by-position.interceptor';
import { Ctx } from '../http/request-context';
import { ElectionIdParam } from '../http/route-params';
import { projected } from '../results/projected';
import { ReadYourWrites } from '../results/read-your-writes';
import { MinPositionQuery } from '../results/results.query-params';
import { ReportTurnoutCommand, TurnoutWriteResult } from './report-turnout.command';
import { ReportTurnoutDto, TurnoutWriteResultDto } from './report-turnout.dto';
import { ElectionListDto, TurnoutViewDto } from './turnout.dto';

@ApiTags('turnout')
@Controller('elections/:electionId/turnout')
export class TurnoutController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queries: TurnoutQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Post()
  @Allow('submit-turnout')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Report the turnout of one polling area so far',
    description:
      'Appends TurnoutReported. Figures only grow with asOf and never exceed the registered voters. A retry with ' +
      'the same reportId and body returns the original result (header Idempotent-Replayed: true).',
  })
  @ApiCreatedResponse({ type: TurnoutWriteResultDto, description: 'Durably stored' })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  async report(
    @Param() { electionId }: ElectionIdParam,
    @Body() body: ReportTurnoutDto,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TurnoutWriteResult> {
    const result: TurnoutWriteResult = await this.commandBus.execute(
      new ReportTurnoutCommand({
        electionId,
        pollingAreaId: body.pollingAreaId,
        reportId: body.reportId,
        asOf: body.asOf,
        votersVoted: body.votersVoted,
        context,
      }),
    );
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result;
  }

  @Get()
  @Public()
  @CacheByPosition()
  @ApiOperation({
    summary: 'Turnout per district and city: at each reporting time and the latest',
    description:
      "Reporting times are the definition's turnoutReportingTimes (default 12:30, 18:30, 19:30 local time). A polling " +
      'area counts at a reporting time with its report of the latest asOf at or before that time.',
  })
  @ApiOkResponse({ type: TurnoutViewDto, description: 'Turnout with the global `position` it reflects' })
  @ApiProblems(400, 404, 503)
  async turnout(@Param() { electionId }: ElectionIdParam, @Query() { minPosition }: MinPositionQuery) {
    await this.readYourWrites.waitFor(minPosition);
    return projected(this.catalog, electionId, await this.queries.turnout(electionId));
  }
}

@ApiTags('elections')
@Public()
@Controller('elections')
export class ElectionListController {
  constructor(private readonly queries: TurnoutQueries) {}

  @Get()
  @ApiOperation({ summary: 'Every election the read models know, newest polling date first' })
  @ApiOkResponse({ type: ElectionListDto })
  async list(): Promise<ElectionListDto> {
    const elections = await this.queries.elections();
    return {
      elections: elections.map(({ electionId, name, pollingDate }) => ({ electionId, name, pollingDate })),
    };
  }
}
