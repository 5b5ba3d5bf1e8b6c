import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { EventStore, START } from '@tally/event-store';
import { IsOptional, Matches } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ElectionCatalog } from '../elections/election-catalog';
import { Public } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { assertContest } from '../results/only-contest';
import { HttpProblem } from '../http/problem';
import { ElectionIdParam } from '../http/route-params';
import { LiveChannels } from './live-channels';
import { LIVE_FAREWELL, LiveHub } from './live-hub';
import { contestLens, WHOLE_VIEW } from './live-lens';
import { LIVE_MESSAGE_SCHEMA, LiveSnapshotMessageDto, LiveUpdateMessageDto } from './live.dto';

const POSITION = /^(-1|0|[1-9]\d{0,15})$/;

export class LiveQuery {
  @ApiPropertyOptional({
    description: 'For clients that cannot set headers (EventSource on a new page): same as Last-Event-ID',
  })
  @IsOptional()
  @Matches(POSITION, { message: 'lastEventId must be a global position (an integer ≥ -1)' })
  lastEventId?: string;

  @ApiPropertyOptional({
    description:
      'Only this contest (e.g. `na`), as on the results endpoints: a national snapshot is far smaller. The stream ' +
      'then carries the districts and the city with that contest alone; turnout, timeline and corrections as without',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: '$property must be a contest id' })
  contest?: string;
}

@ApiTags('live')
@Public()
@Controller('elections')
export class LiveController {
  constructor(
    private readonly catalog: ElectionCatalog,
    private readonly channels: LiveChannels,
    private readonly hub: LiveHub,
    private readonly eventStore: EventStore,
  ) {}

  @Get(':electionId/live')
  @ApiOperation({
    summary:
      'Server-Sent Events: a snapshot, then one update per read-model commit that touched the election',
    description:
      'Every message has id = the global position of the last event it covers. With Last-Event-ID (or ' +
      '?lastEventId=) the stream resumes after that position without a snapshot: every change once. A comment ' +
      '`: heartbeat` is sent every LIVE_HEARTBEAT_MS (15 s). Messages: see apps/api/src/live/live.contract.ts.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this global position' })
  @ApiExtraModels(LiveSnapshotMessageDto, LiveUpdateMessageDto)
  @ApiOkResponse({
    description: 'The stream; its schema is the one of each message (id, event, data as JSON text)',
    content: { 'text/event-stream': { schema: LIVE_MESSAGE_SCHEMA } },
  })
  @ApiProblems(400, 404, 503)
  async live(
    @Param() { electionId }: ElectionIdParam,
    @Query() { lastEventId: fromQuery, contest }: LiveQuery,
    @Headers('last-event-id') fromHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.catalog.get(electionId);
    if (contest !== undefined) await assertContest(this.catalog, electionId, contest);
    const resume = this.resumePosition(fromHeader, fromQuery);
    const head = await this.eventStore.headPosition();
    if (resume !== undefined && resume > head) {
      throw new HttpProblem(
        400,
        'REQUEST.POSITION_BEYOND_LOG',
        'The request is malformed',
        `Last-Event-ID ${resume} is beyond the last position of the log (${head}); reconnect without it`,
      );
    }
    // Every id this stream sends is an event's position (or START). KurrentDB cannot read after any other number
    // (positions are byte offsets: it is no record boundary), and postgres would resume somewhere else silently.
    if (resume !== undefined && resume !== START && !(await this.eventStore.readAt(resume))) {
      throw new HttpProblem(
        400,
        'REQUEST.UNKNOWN_POSITION',
        'The request is malformed',
        `Last-Event-ID ${resume} is not the position of an event of this log; reconnect without it`,
        { errors: [{ field: 'Last-Event-ID', message: 'must be the id of a message of this stream' }] },
      );
    }
    const headers = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    };
    // HEAD (Fastify answers it on every GET route): the stream's headers, and no stream held open.
    if (request.method === 'HEAD') {
      void reply.status(200).headers(headers).send();
      return;
    }
    const channel = await this.channels.channel(electionId);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...headers,
      connection: 'keep-alive',
      'x-request-id': String(request.id),
    });
    raw.write('retry: 2000\n\n');
    let open = true;
    const end = () => {
      if (open) raw.end();
    };
    const detach = channel.attach(
      {
        write: (chunk) => !open || raw.write(chunk),
        onDrain: (listener) => raw.on('drain', listener),
        end,
      },
      resume !== undefined ? { resume } : { atLeast: head },
      contest !== undefined ? contestLens(contest) : WHOLE_VIEW,
    );
    const untrack = this.hub.track(() => {
      if (!open) return;
      raw.end(LIVE_FAREWELL);
      // The response was sent keep-alive: end the connection too, or the server waits for it to time out.
      request.raw.socket?.end();
    });
    const close = () => {
      if (!open) return;
      open = false;
      detach();
      untrack();
      this.channels.released(electionId);
    };
    raw.on('close', close);
    request.raw.on('close', close);
  }

  private resumePosition(header: string | undefined, query: string | undefined): number | undefined {
    const given = header ?? query;
    if (given === undefined || given === '') return undefined;
    if (!POSITION.test(given.trim())) {
      throw new HttpProblem(
        400,
        'REQUEST.INVALID',
        'The request is malformed',
        'Last-Event-ID must be a global position',
        {
          errors: [{ field: 'Last-Event-ID', message: 'must be an integer ≥ -1' }],
        },
      );
    }
    return Number(given.trim());
  }
}
