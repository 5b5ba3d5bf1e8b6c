import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuditCheckpointQueries } from '@tally/read-models';
import { ElectionCatalog } from '../elections/election-catalog';
import { Allow } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { ElectionIdParam } from '../http/route-params';
import { projected } from '../results/projected';
import { ReadYourWrites } from '../results/read-your-writes';
import { MinPositionQuery } from '../results/results.query-params';

export class AuditCheckpointDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({
    type: 'integer',
    description: 'Global position of the last event of the election the digest covers',
  })
  position!: number;
  @ApiProperty({ type: 'integer', description: 'Events of the election the digest covers' })
  eventCount!: number;
  @ApiProperty({
    description: 'digest_n = SHA-256(digest_{n-1} + hash_n) over the election events in global order (hex)',
  })
  digest!: string;
  @ApiProperty({ description: 'When the last covered event was recorded (ISO 8601)' }) at!: string;
}

@ApiTags('audit')
@Allow('read-audit')
@Controller('elections/:electionId/audit/checkpoint')
export class AuditCheckpointController {
  constructor(
    private readonly checkpoints: AuditCheckpointQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'The running digest of the election log, to write down or print: `npm run cli -- verify` checks it',
  })
  @ApiOkResponse({ type: AuditCheckpointDto })
  @ApiProblems(400, 404, 503)
  async checkpoint(@Param() { electionId }: ElectionIdParam, @Query() { minPosition }: MinPositionQuery) {
    await this.readYourWrites.waitFor(minPosition);
    return projected(this.catalog, electionId, await this.checkpoints.checkpoint(electionId));
  }
}
