import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, normalizeCounts, ResolveDiscrepancy, ReviewTally } from '@tally/domain';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/access.decorators';
import { DistrictScope } from '../auth/district-scope';
import { ApiProblems } from '../http/api-problem.decorator';
import { etagOf, expectedRevisionFrom } from '../http/etag';
import { Ctx } from '../http/request-context';
import { ElectionIdParam, TallyParams } from '../http/route-params';
import { CorrectTallyCommand } from './correct-tally.command';
import { CorrectTallyDto } from './correct-tally.dto';
import { DecideSheetCommand } from './decide-sheet.command';
import { ResolveDiscrepancyDto, ReviewSheetDto } from './sheet-decision.dto';
import { SubmitTallyCommand } from './submit-tally.command';
import { SubmitTallyDto } from './submit-tally.dto';
import { TallyWriteResult } from './tally-results';
import { TallyWriteResultDto } from './tally-write-result.dto';
import { TallySheetReader } from './tally-sheet.reader';
import { TallyHistoryDto, TallySheetDto } from './tally-sheet.dto';

const WRITE_HEADERS = {
  ETag: {
    description: 'The revision of the sheet, e.g. "0": send it as If-Match to correct it',
    schema: { type: 'string' },
  },
  Location: {
    description: 'The sheet: /elections/{e}/tallies/{pollingAreaId}/{contestId}',
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': { description: '"true" when this answers a retry', schema: { type: 'string' } },
};

/** The OpenAPI of a decision on a sheet (resolution, review): 201, If-Match, the problems it may answer. */
function ApiSheetDecision(summary: string, description: string) {
  return applyDecorators(
    HttpCode(201),
    ApiOperation({ summary, description }),
    ApiHeader({ name: 'If-Match', required: true, description: 'ETag of the sheet, e.g. "1"' }),
    ApiCreatedResponse({
      type: TallyWriteResultDto,
      description: 'The new revision, also in the ETag',
      headers: WRITE_HEADERS,
    }),
    ApiProblems(400, 403, 404, 409, 412, 413, 415, 422, 428),
  );
}

function answer(reply: FastifyReply, result: TallyWriteResult, electionId: string): TallyWriteResult {
  const [, pollingAreaId, contestId] = result.tallyId.split('.');
  void reply
    .header('etag', etagOf(result.revision))
    .header('location', `/elections/${electionId}/tallies/${pollingAreaId}/${contestId}`);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  // A replay's anomalies come back from the store, whose JSON (PostgreSQL's jsonb) may order their keys otherwise:
  // one order for every answer, so a retry gets the first answer's bytes (but for replayed).
  return {
    ...result,
    anomalies: result.anomalies.map(({ code, message, field }) => ({
      code,
      message,
      ...(field === undefined ? {} : { field }),
    })),
  };
}

@ApiTags('tallies')
@Controller('elections/:electionId/tallies')
export class TalliesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly sheets: TallySheetReader,
    private readonly scope: DistrictScope,
  ) {}

  @Post()
  @Allow('submit-tally')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Submit the tally sheet of one polling area and contest',
    description:
      'Appends TallySubmitted after checking the arithmetic. A retry with the same submissionId and body returns ' +
      'the original result (header Idempotent-Replayed: true) and appends nothing.',
  })
  @ApiCreatedResponse({
    type: TallyWriteResultDto,
    description: 'Durably stored (or the original answer to a retry); the revision is also the ETag',
    headers: WRITE_HEADERS,
  })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  async submit(
    @Param() { electionId }: ElectionIdParam,
    @Body() body: SubmitTallyDto,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TallyWriteResult> {
    const result = await this.commandBus.execute(
      new SubmitTallyCommand({
        electionId,
        pollingAreaId: body.pollingAreaId,
        contestId: body.contestId,
        submissionId: body.submissionId,
        counts: normalizeCounts(body),
        context,
      }),
    );
    return answer(reply, result, electionId);
  }

  @Get(':pollingAreaId/:contestId')
  @Allow('read-sheets')
  @ApiOperation({ summary: 'The current sheet (after corrections), with its revision as ETag' })
  @ApiOkResponse({ type: TallySheetDto, description: 'The sheet, with its revision as ETag' })
  @ApiProblems(400, 404)
  async get(
    @Param() params: TallyParams,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.scope.check(context.actor, 'read-sheets', params.electionId, params.pollingAreaId);
    const sheet = await this.sheets.current(params.electionId, params.pollingAreaId, params.contestId);
    void reply.header('etag', etagOf(sheet.revision));
    return sheet;
  }

  @Post(':pollingAreaId/:contestId/corrections')
  @Allow('correct-tally')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Correct a sheet with a reason; the original stays in the history',
    description: 'Requires If-Match with the ETag of the sheet being corrected. Appends TallyCorrected.',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'ETag of the sheet, e.g. "0"' })
  @ApiCreatedResponse({
    type: TallyWriteResultDto,
    description: 'The new revision, also in the ETag',
    headers: WRITE_HEADERS,
  })
  @ApiProblems(400, 404, 409, 412, 413, 415, 422, 428)
  async correct(
    @Param() params: TallyParams,
    @Body() body: CorrectTallyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TallyWriteResult> {
    const expectedRevision = expectedRevisionFrom(ifMatch);
    const result = await this.commandBus.execute(
      new CorrectTallyCommand({
        electionId: params.electionId,
        pollingAreaId: params.pollingAreaId,
        contestId: params.contestId,
        expectedRevision,
        reason: body.reason,
        counts: normalizeCounts(body),
        correctionId: body.correctionId,
        context,
      }),
    );
    return answer(reply, result, params.electionId);
  }

  @Post(':pollingAreaId/:contestId/resolution')
  @Allow('resolve-discrepancy')
  @ApiSheetDecision(
    'Resolve a discrepancy between the two entries of a sheet with the figures of the paper record',
    'Only for a sheet in discrepancy (409 TALLY.NO_DISCREPANCY otherwise); an admin of the district; requires ' +
      'If-Match. Appends TallyDiscrepancyResolved: the sheet counts (or is held, when an anomaly holds it).',
  )
  async resolve(
    @Param() params: TallyParams,
    @Body() body: ResolveDiscrepancyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TallyWriteResult> {
    const decision = {
      type: 'ResolveDiscrepancy',
      reason: body.reason,
      counts: normalizeCounts(body),
    } as const;
    return this.decide(params, ifMatch, context, reply, decision);
  }

  @Post(':pollingAreaId/:contestId/review')
  @Allow('review-sheet')
  @ApiSheetDecision(
    'Decide on a sheet held for review: release it into the totals, or require a correction',
    'Only for a held sheet (409 TALLY.NOT_HELD otherwise); an admin of the district; requires If-Match. ' +
      'Appends TallyReviewed.',
  )
  async review(
    @Param() params: TallyParams,
    @Body() body: ReviewSheetDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TallyWriteResult> {
    const decision = { type: 'ReviewTally', decision: body.decision, reason: body.reason } as const;
    return this.decide(params, ifMatch, context, reply, decision);
  }

  /** A resolution or a review: the decision on the sheet the route names, at the revision of If-Match. */
  private async decide(
    params: TallyParams,
    ifMatch: string | undefined,
    context: CommandContext,
    reply: FastifyReply,
    decision:
      | Pick<ResolveDiscrepancy, 'type' | 'reason' | 'counts'>
      | Pick<ReviewTally, 'type' | 'decision' | 'reason'>,
  ): Promise<TallyWriteResult> {
    const { electionId, pollingAreaId, contestId } = params;
    const expectedRevision = expectedRevisionFrom(ifMatch);
    const result = await this.commandBus.execute(
      new DecideSheetCommand({
        ...decision,
        electionId,
        pollingAreaId,
        contestId,
        expectedRevision,
        context,
      }),
    );
    return answer(reply, result, electionId);
  }

  @Get(':pollingAreaId/:contestId/history')
  @Allow('read-sheets')
  @ApiOperation({ summary: 'Every event of the sheet: who, when, why, and the fields that changed' })
  @ApiOkResponse({ type: TallyHistoryDto })
  @ApiProblems(400, 404)
  async history(@Param() params: TallyParams, @Ctx() context: CommandContext) {
    await this.scope.check(context.actor, 'read-sheets', params.electionId, params.pollingAreaId);
    return this.sheets.history(params.electionId, params.pollingAreaId, params.contestId);
  }
}
