import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { EventStore } from '@tally/event-store';
import { exportLines } from '@tally/read-models';
import { Readable } from 'node:stream';
import { ElectionCatalog } from '../elections/election-catalog';
import { Allow } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { ElectionIdParam } from '../http/route-params';
import { AuditExportLineDto } from './audit-export.dto';

@ApiTags('audit')
@Allow('read-export')
@Controller('elections/:electionId/audit/export')
export class AuditExportController {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
  ) {}

  @Get()
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  @ApiOperation({
    summary:
      'The election log as NDJSON, one event per line (position, streamId, revision, type, data, metadata, recordedAt, prevHash, hash), streamed page by page: check it offline with `npm run cli -- verify-export FILE`',
  })
  @ApiExtraModels(AuditExportLineDto)
  @ApiOkResponse({
    description: 'NDJSON in global position order: each line is one JSON object of this schema',
    content: { 'application/x-ndjson': { schema: { $ref: getSchemaPath(AuditExportLineDto) } } },
  })
  @ApiProblems(400, 404)
  async export(@Param() { electionId }: ElectionIdParam): Promise<StreamableFile> {
    await this.catalog.get(electionId);
    // The head now bounds the export, so a file is a consistent prefix of the log even while sheets arrive.
    const head = await this.eventStore.headPosition();
    const stream = Readable.from(exportLines(this.eventStore, { electionId, to: head }));
    return new StreamableFile(stream, {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="${electionId}-audit.ndjson"`,
    });
  }
}
