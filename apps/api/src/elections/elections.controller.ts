import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, ElectionDefinition } from '@tally/domain';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { Ctx } from '../http/request-context';
import { ElectionIdParam } from '../http/route-params';
import { DefineElectionCommand, DefineElectionResult } from './define-election.command';
import { DefineElectionDto } from './define-election.dto';
import { DefineElectionResultDto } from './define-election-result.dto';
import { ElectionCatalog } from './election-catalog';

@ApiTags('elections')
@Controller('elections')
export class ElectionsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly catalog: ElectionCatalog,
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
    void reply.header('location', `/elections/${result.electionId}`);
    return result;
  }

  @Get(':electionId')
  @Allow('read-election')
  @ApiOperation({ summary: 'The election definition as it was defined' })
  @ApiOkResponse({ type: DefineElectionDto, description: 'The definition, as defined' })
  @ApiProblems(404)
  async get(@Param() { electionId }: ElectionIdParam): Promise<ElectionDefinition> {
    return (await this.catalog.get(electionId)).definition;
  }
}
