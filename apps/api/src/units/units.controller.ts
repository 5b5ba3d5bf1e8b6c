import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@tally/domain';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { etagOf } from '../http/etag';
import { Ctx } from '../http/request-context';
import { AnnulUnitResultCommand, CertifyUnitCommand, RevokeCertificationCommand } from './unit.commands';
import {
  CertifyUnitDto,
  ReasonDto,
  UnitAnnulmentResultDto,
  UnitParams,
  UnitWriteResultDto,
} from './unit.dto';
import { UnitAnnulmentResult, UnitWriteResult } from './unit-results';

@ApiTags('units')
@Controller('elections/:electionId/contests/:contestId/units/:unitId')
export class UnitsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('certification')
  @Allow('certify-unit')
  @HttpCode(201)
  @ApiOperation({
    summary: "Certify the unit's result: the record of its counts, winners and outcome",
    description:
      'An admin whose districts cover the unit, or a city admin. Appends UnitCertified. Refused (409 ' +
      'UNIT.NOT_COMPLETE) while a polling area of the unit is unreported, held, awaiting its second entry or in ' +
      "discrepancy; afterwards the unit's sheets are locked (409 TALLY.UNIT_CERTIFIED) until a revocation.",
  })
  @ApiCreatedResponse({ type: UnitWriteResultDto, description: 'Certified; durably stored' })
  @ApiProblems(400, 404, 409, 413, 415)
  async certify(
    @Param() params: UnitParams,
    @Body() body: CertifyUnitDto,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnitWriteResult> {
    const result = await this.commandBus.execute(
      new CertifyUnitCommand({ ...ref(params), reason: body.reason, context }),
    );
    void reply.header('etag', etagOf(result.revision));
    return result;
  }

  @Post('certification/revocation')
  @Allow('revoke-certification')
  @HttpCode(201)
  @ApiOperation({
    summary: "Revoke the unit's certification with a reason (city admin): it reopens the unit",
    description: 'Appends UnitCertificationRevoked.',
  })
  @ApiCreatedResponse({ type: UnitWriteResultDto, description: 'Revoked; durably stored' })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  async revoke(
    @Param() params: UnitParams,
    @Body() body: ReasonDto,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnitWriteResult> {
    const result = await this.commandBus.execute(
      new RevokeCertificationCommand({ ...ref(params), reason: body.reason, context }),
    );
    void reply.header('etag', etagOf(result.revision));
    return result;
  }

  @Post('annulment')
  @Allow('annul-unit')
  @HttpCode(201)
  @ApiOperation({
    summary: "Annul the unit's result with a reason (city admin): a re-vote is required (Art. 80)",
    description:
      'Appends UnitResultAnnulled: the results show the unit with outcome re-vote-required, outcomeReason ' +
      'annulled and its annulment. Once only (409 UNIT.ALREADY_ANNULLED); a certified unit is refused (409 ' +
      'UNIT.ANNUL_CERTIFIED: revoke the certification first). The reason needs 10 characters (422 ' +
      'TALLY.REASON_TOO_SHORT).',
  })
  @ApiCreatedResponse({ type: UnitAnnulmentResultDto, description: 'Annulled; durably stored' })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  async annul(
    @Param() params: UnitParams,
    @Body() body: ReasonDto,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnitAnnulmentResult> {
    const result = await this.commandBus.execute(
      new AnnulUnitResultCommand({ ...ref(params), reason: body.reason, context }),
    );
    void reply.header('etag', etagOf(result.revision));
    return result;
  }
}

function ref({ electionId, contestId, unitId }: UnitParams) {
  return { electionId, contestId, unitId };
}
