import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { checkpointPayload, signCheckpointPayload } from '@tally/domain';
import { CheckpointKeys } from '@tally/platform';
import { AuditCheckpointQueries } from '@tally/read-models';
import { ElectionCatalog } from '../elections/election-catalog';
import { Public } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { ElectionIdParam } from '../http/route-params';
import { CHECKPOINT_KEYS } from '../infrastructure/runtime';
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
  @ApiProperty({
    description:
      'The exact UTF-8 text that was signed: "tally-ledger audit checkpoint v1" then electionId, position, ' +
      'eventCount, digest and at, one "name: value" per line, each line ending in \\n',
    example:
      'tally-ledger audit checkpoint v1\nelectionId: hn-2021\nposition: 9747\neventCount: 9701\ndigest: 3f6c…\nat: 2021-05-23T14:02:11.123Z\n',
  })
  signedPayload!: string;
  @ApiProperty({
    description: 'Ed25519 signature of signedPayload (base64); verify with GET …/audit/public-key',
  })
  signature!: string;
}

export class CheckpointPublicKeyDto {
  @ApiProperty({ description: 'The Ed25519 public key (SPKI PEM) that verifies the checkpoint signatures' })
  publicKeyPem!: string;
}

@ApiTags('audit')
@Public()
@Controller('elections/:electionId/audit')
export class AuditCheckpointController {
  constructor(
    private readonly checkpoints: AuditCheckpointQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CHECKPOINT_KEYS) private readonly keys: CheckpointKeys,
  ) {}

  @Get('checkpoint')
  @ApiOperation({
    summary:
      'The running digest of the election log, signed (Ed25519): public, to write down, print or publish. ' +
      '`npm run cli -- verify` and `verify-export --checkpoint --public-key` check it',
  })
  @ApiOkResponse({ type: AuditCheckpointDto })
  @ApiProblems(400, 404, 503)
  async checkpoint(@Param() { electionId }: ElectionIdParam, @Query() { minPosition }: MinPositionQuery) {
    await this.readYourWrites.waitFor(minPosition);
    const checkpoint = await projected(
      this.catalog,
      electionId,
      await this.checkpoints.checkpoint(electionId),
    );
    const signedPayload = checkpointPayload(checkpoint);
    return {
      ...checkpoint,
      signedPayload,
      signature: signCheckpointPayload(signedPayload, this.keys.privateKey),
    };
  }

  @Get('public-key')
  @ApiOperation({
    summary: 'The public key that verifies the checkpoint signatures (the same for every election)',
  })
  @ApiOkResponse({ type: CheckpointPublicKeyDto })
  @ApiProblems(400, 404)
  async publicKey(@Param() { electionId }: ElectionIdParam): Promise<CheckpointPublicKeyDto> {
    await this.catalog.get(electionId);
    return { publicKeyPem: this.keys.publicKeyPem };
  }
}
