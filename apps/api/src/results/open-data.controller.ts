import { Controller, Get, Inject, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@tally/platform';
import { OpenDataCursor, PollingAreaResultsQueries } from '@tally/read-models';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { Public } from '../auth/access.decorators';
import { ElectionCatalog } from '../elections/election-catalog';
import { ApiProblems } from '../http/api-problem.decorator';
import { noneMatch } from '../http/cache-by-position.interceptor';
import { etagOf } from '../http/etag';
import { ElectionIdParam } from '../http/route-params';
import { APP_CONFIG } from '../infrastructure/runtime';
import { cdfChunks, csvColumns, csvRecord, jsonRecord } from './open-data-format';
import { PollingAreaResultsDto } from './open-data.dto';
import { projected } from './projected';
import { ReadYourWrites } from './read-your-writes';
import { MinPositionQuery } from './results.query-params';

/**
 * Open data (issue 12 §3): every polling area's sheet as CSV or JSON, and the election in the NIST SP 1500-100 v2
 * format. Public; streamed from one snapshot of the read models (a connection is held while a download runs), with
 * the position the snapshot reflects as ETag (If-None-Match → 304) and in X-Results-Position.
 */
@ApiTags('results')
@Public()
@Controller('elections/:electionId/results')
export class OpenDataController {
  constructor(
    private readonly queries: PollingAreaResultsQueries,
    private readonly catalog: ElectionCatalog,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('polling-areas.csv')
  @ApiOperation({
    summary:
      'Every polling area and contest as CSV: counts, status, revision, position, event hash, scan digest',
    description:
      'One row per polling area and contest (not-reported ones too, with empty counts; a sheet held, awaiting its second entry or in discrepancy has that status and empty counts), in the order of the ' +
      'definition (contest, electoral unit, polling area). Columns: electionId, contestId, unitId, districtId, ' +
      'pollingAreaId, pollingAreaName, status, revision, position, eventHash, scanDigest, registeredVoters, ' +
      'votersVoted, ballotsIssued, ballotsReceived, validBallots, invalidBallots, then candidate1Id, candidate1Votes, ' +
      'candidate2Id, … (the unit’s candidates in the definition’s order). RFC 4180, UTF-8, header row.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'An ETag (position) from an earlier answer',
  })
  @ApiResponse({ status: 304, description: 'Not modified: nothing was projected since the ETag' })
  @ApiProblems(400, 404, 503)
  async csv(
    @Param() { electionId }: ElectionIdParam,
    @Query() { minPosition }: MinPositionQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile | undefined> {
    const cursor = await this.open(electionId, minPosition, request, reply);
    if (!cursor) return undefined;
    const columns = csvColumns(cursor);
    const records = Readable.from(
      (async function* () {
        for await (const row of cursor.rows()) yield csvRecord(row, columns.length);
      })(),
    );
    const csv = records.pipe(stringify({ header: true, columns, bom: false }));
    records.on('error', (error) => csv.destroy(error));
    return new StreamableFile(csv, {
      type: 'text/csv; charset=utf-8',
      disposition: `inline; filename="${electionId}-polling-areas.csv"`,
    });
  }

  @Get('polling-areas.json')
  @ApiOperation({
    summary:
      'Every polling area and contest as JSON: the same rows as the CSV, counts as the api’s sheets carry them',
  })
  @ApiOkResponse({ type: PollingAreaResultsDto })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'An ETag (position) from an earlier answer',
  })
  @ApiResponse({ status: 304, description: 'Not modified: nothing was projected since the ETag' })
  @ApiProblems(400, 404, 503)
  async json(
    @Param() { electionId }: ElectionIdParam,
    @Query() { minPosition }: MinPositionQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile | undefined> {
    const cursor = await this.open(electionId, minPosition, request, reply);
    if (!cursor) return undefined;
    const body = Readable.from(
      (async function* () {
        yield `{"electionId":${JSON.stringify(electionId)},"position":${cursor.position},"rows":[`;
        let first = true;
        for await (const row of cursor.rows()) {
          yield `${first ? '' : ','}${JSON.stringify(jsonRecord(row))}`;
          first = false;
        }
        yield ']}';
      })(),
    );
    return new StreamableFile(body, { type: 'application/json; charset=utf-8' });
  }

  @Get('cdf.json')
  @ApiOperation({
    summary:
      'The election in the NIST Election Results Common Data Format (SP 1500-100 v2, JSON), precinct level',
    description:
      'An ElectionReport: the city, districts, electoral units and polling areas as GpUnits; one CandidateContest ' +
      'per electoral unit with VoteCounts per polling area; BallotCounts per electoral unit; Status ' +
      'unofficial-partial until every sheet is in. Validates against the official JSON schema.',
  })
  @ApiOkResponse({
    description: 'An ElectionResults.ElectionReport',
    content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'An ETag (position) from an earlier answer',
  })
  @ApiResponse({ status: 304, description: 'Not modified: nothing was projected since the ETag' })
  @ApiProblems(400, 404, 503)
  async cdf(
    @Param() { electionId }: ElectionIdParam,
    @Query() { minPosition }: MinPositionQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile | undefined> {
    const cursor = await this.open(electionId, minPosition, request, reply);
    if (!cursor) return undefined;
    return new StreamableFile(Readable.from(cdfChunks(cursor, new Date())), {
      type: 'application/json; charset=utf-8',
    });
  }

  /** The snapshot to stream, or undefined after answering 304 (nothing new since the client's ETag). */
  private async open(
    electionId: string,
    minPosition: number | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<OpenDataCursor | undefined> {
    await this.readYourWrites.waitFor(minPosition);
    const cursor = await projected(this.catalog, electionId, await this.queries.open(electionId));
    const etag = etagOf(cursor.position);
    void reply
      .header('etag', etag)
      .header('x-results-position', String(cursor.position))
      .header('cache-control', `public, max-age=${this.config.RESULTS_MAX_AGE_SECONDS}`)
      .header('vary', 'authorization');
    if (noneMatch(request.headers['if-none-match'], etag)) {
      await cursor.close();
      void reply.status(304);
      return undefined;
    }
    return cursor;
  }
}
