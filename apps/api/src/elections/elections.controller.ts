import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AmendmentChange, CommandContext, ElectionDefinition } from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { etagOf, expectedRevisionFrom } from '../http/etag';
import { HttpProblem } from '../http/problem';
import { Ctx } from '../http/request-context';
import { ElectionIdParam } from '../http/route-params';
import { StrictInt } from '../http/validators/strict-int.transform';
import { AmendElectionCommand, AmendElectionResult } from './amend-election.command';
import { AmendElectionDto, AmendElectionResultDto, CHANGE_DTOS } from './amend-election.dto';
import { DefineElectionCommand, DefineElectionResult } from './define-election.command';
import { DefineElectionDto } from './define-election.dto';
import { DefineElectionResultDto } from './define-election-result.dto';
import { ElectionCatalog } from './election-catalog';

export class DefinitionQuery {
  @ApiPropertyOptional({ description: 'The definition as it stood right after this global position' })
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  atPosition?: number;
}

@ApiTags('elections')
@ApiExtraModels(...CHANGE_DTOS)
@Controller('elections')
export class ElectionsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly catalog: ElectionCatalog,
    private readonly eventStore: EventStore,
  ) {}

  @Post()
  @Allow('define-election')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Define an election: districts, polling areas, contests, electoral units and candidates',
    description:
      'Appends ElectionDefined. The definition is checked (unique ids, references, seats, coverage).',
  })
  @ApiCreatedResponse({
    type: DefineElectionResultDto,
    description: 'Defined; durably stored before this answer',
  })
  @ApiProblems(400, 409, 413, 415, 422)
  async define(
    @Body() body: DefineElectionDto,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DefineElectionResult> {
    const result = await this.commandBus.execute(
      new DefineElectionCommand(body as ElectionDefinition, context),
    );
    void reply.header('location', `/elections/${result.electionId}`).header('etag', etagOf(result.revision));
    return result;
  }

  @Get(':electionId')
  @Allow('read-election')
  @ApiOperation({
    summary: 'The election definition in force (as defined, with every amendment), its revision as ETag',
    description: 'With ?atPosition= the definition as it stood right after that global position.',
  })
  @ApiOkResponse({
    type: DefineElectionDto,
    description: 'The definition; ETag = its revision (0 as defined)',
  })
  @ApiProblems(400, 404)
  async get(
    @Param() { electionId }: ElectionIdParam,
    @Query() { atPosition }: DefinitionQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ElectionDefinition> {
    const found =
      atPosition === undefined
        ? await this.catalog.require(electionId)
        : await this.at(electionId, atPosition);
    void reply.header('etag', etagOf(found.revision));
    return found.index.definition;
  }

  @Post(':electionId/amendments')
  @Allow('amend-election')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Amend the definition: withdraw or add candidates, add, remove or move polling areas, voters, seats, names',
    description:
      'Requires If-Match with the ETag of GET /elections/{e}. Appends one ElectionAmended. The amended definition ' +
      'must pass the rules of a new one (422), and may not contradict a stored sheet or turnout report (409).',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'ETag of the definition, e.g. "0"' })
  @ApiCreatedResponse({
    type: AmendElectionResultDto,
    description:
      'The new revision, also in the ETag. A retry of the last amendment (the same If-Match, reason and changes) is ' +
      'answered with it and appends nothing',
    headers: {
      ETag: { description: 'The revision of the definition, e.g. "1"', schema: { type: 'string' } },
      'Idempotent-Replayed': { description: '"true" when this answers a retry', schema: { type: 'string' } },
    },
  })
  @ApiProblems(400, 404, 409, 412, 413, 415, 422, 428, 503)
  async amend(
    @Param() { electionId }: ElectionIdParam,
    @Body() body: AmendElectionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AmendElectionResult> {
    const expectedRevision = expectedRevisionFrom(ifMatch, 'definition');
    const result = await this.commandBus.execute(
      new AmendElectionCommand({
        electionId,
        expectedRevision,
        reason: body.reason,
        changes: body.changes as unknown as AmendmentChange[],
        context,
      }),
    );
    void reply.header('location', `/elections/${electionId}`).header('etag', etagOf(result.revision));
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result;
  }

  private async at(electionId: string, atPosition: number) {
    const head = await this.eventStore.headPosition();
    if (atPosition > head) {
      throw new HttpProblem(
        400,
        'REQUEST.POSITION_BEYOND_LOG',
        'The request is malformed',
        `atPosition ${atPosition} is beyond the last position of the log (${head})`,
        { errors: [{ field: 'atPosition', message: `must be at most ${head}` }] },
      );
    }
    const found = await this.catalog.atPosition(electionId, atPosition);
    if (found) return found;
    // Not defined at all, or not yet at that position: both are "no definition there".
    return this.catalog.require(`${electionId}`).then(() => {
      throw new HttpProblem(
        404,
        'ELECTION.NOT_FOUND',
        'Not found',
        `Election ${electionId} was not defined yet at position ${atPosition}`,
      );
    });
  }
}
