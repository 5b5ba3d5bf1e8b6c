import { Body, Controller, Get, Headers, HttpCode, Param, Put, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  CommandContext,
  isScanContentType,
  SCAN_CONTENT_TYPES,
  ScanErrorCode,
  sniffScanType,
} from '@tally/domain';
import type { FastifyReply } from 'fastify';
import { Allow, Public } from '../auth/access.decorators';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { ApiProblems } from '../http/api-problem.decorator';
import { noneMatch } from '../http/cache-by-position.interceptor';
import { HttpProblem } from '../http/problem';
import { Ctx } from '../http/request-context';
import { TallyParams } from '../http/route-params';
import { AttachScanCommand } from './attach-scan.command';
import { ScanAccess } from './scan-access';
import { ScanWriteResult } from './scan-results';
import { unsupportedScanType } from './scan-uploads';
import { ScanReader } from './scan.reader';
import { ScanListDto, ScanVersionQuery, ScanWriteResultDto } from './scans.dto';

const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/pdf': 'pdf',
};

@ApiTags('scans')
@Controller('elections/:electionId/tallies/:pollingAreaId/:contestId')
export class ScansController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly reader: ScanReader,
    private readonly access: ScanAccess,
  ) {}

  @Put('scan')
  @Allow('attach-scan')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach the scanned counting record (the signed paper biên bản) to the sheet',
    description:
      'The body is the file itself (image/jpeg, image/png or application/pdf, at most SCAN_LIMIT_BYTES); its type ' +
      'is checked against its first bytes. The bytes are stored content-addressed by SHA-256, then TallyScanAttached ' +
      '(digest, size, type) is appended to the sheet: 201 means both are durable. The bytes of the current scan ' +
      'again, for the same counts: 200, nothing appended. A new scan (e.g. after a correction), or an earlier ' +
      "version's bytes again, is a new version that becomes current; earlier ones stay.",
  })
  @ApiConsumes(...SCAN_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 201, type: ScanWriteResultDto, description: 'Attached; ETag = the digest' })
  @ApiOkResponse({
    type: ScanWriteResultDto,
    description: 'These bytes already were the scan: nothing appended',
  })
  @ApiProblems(400, 404, 413, 415, 422)
  async attach(
    @Param() params: TallyParams,
    @Body() body: unknown,
    @Headers('content-type') contentTypeHeader: string | undefined,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScanWriteResult> {
    const contentType = (contentTypeHeader ?? '').split(';')[0].trim().toLowerCase();
    if (!Buffer.isBuffer(body) || !isScanContentType(contentType)) throw unsupportedScanType(contentType);
    const sniffed = body.length > 0 ? sniffScanType(body) : contentType;
    if (sniffed !== contentType) {
      throw new HttpProblem(
        415,
        ScanErrorCode.CONTENT_MISMATCH,
        'Unsupported media type',
        `The body was sent as ${contentType} but its bytes are ${sniffed ?? 'none of ' + SCAN_CONTENT_TYPES.join(', ')}`,
        { declared: contentType, detected: sniffed ?? null },
      );
    }
    const result = await this.commandBus.execute(
      new AttachScanCommand({ ...params, bytes: body, contentType, context }),
    );
    void reply
      .status(result.replayed ? 200 : 201)
      .header('etag', `"${result.digest}"`)
      .header(
        'location',
        `/elections/${params.electionId}/tallies/${params.pollingAreaId}/${params.contestId}/scan`,
      );
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result;
  }

  @Get('scan')
  @Public()
  @ApiOperation({
    summary:
      'The scanned counting record: the bytes as attached (the latest, or ?digest= an earlier version)',
    description:
      'Readable by admins and auditors; by anyone when the election definition says "publishScans": true. ' +
      'ETag = the digest (SHA-256 of the bytes); If-None-Match → 304.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'A digest ETag from an earlier answer' })
  @ApiProduces(...SCAN_CONTENT_TYPES)
  @ApiOkResponse({
    description: 'The bytes, with their content type',
    content: Object.fromEntries(
      SCAN_CONTENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
    ),
  })
  @ApiResponse({ status: 304, description: 'Not modified: the ETag is still the scan' })
  @ApiProblems(400, 401, 403, 404)
  async scan(
    @Param() params: TallyParams,
    @Query() { digest }: ScanVersionQuery,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const { published } = await this.access.check(request.actor, params.electionId);
    const { version, stored } = await this.reader.bytes(
      params.electionId,
      params.pollingAreaId,
      params.contestId,
      digest,
    );
    const etag = `"${version.digest}"`;
    void reply
      .header('etag', etag)
      .header('cache-control', `${published ? 'public' : 'private'}, no-cache`)
      .header('vary', 'authorization')
      .header(
        'content-disposition',
        `inline; filename="${params.pollingAreaId}-${params.contestId}-r${version.revision}.${EXTENSION[version.contentType]}"`,
      );
    if (noneMatch(request.headers['if-none-match'], etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.header('content-type', version.contentType);
    return stored.bytes;
  }

  @Get('scans')
  @Public()
  @ApiOperation({
    summary: 'Every scan attached to the sheet, oldest first, with the counts revision each documents',
    description: 'Same readers as GET …/scan.',
  })
  @ApiOkResponse({ type: ScanListDto })
  @ApiProblems(400, 401, 403, 404)
  async scans(@Param() params: TallyParams, @Req() request: AuthenticatedRequest) {
    await this.access.check(request.actor, params.electionId);
    return this.reader.list(params.electionId, params.pollingAreaId, params.contestId);
  }
}
