import { Controller, Get, Headers, Inject, Logger, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { EventStore } from '@tally/event-store';
import { AppConfig } from '@tally/platform';
import { ProjectionRunner } from '@tally/read-models';
import { IsOptional, Matches } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ElectionCatalog } from '../elections/election-catalog';
import { Public } from '../auth/access.decorators';
import { ApiProblems } from '../http/api-problem.decorator';
import { HttpProblem } from '../http/problem';
import { ElectionIdParam } from '../http/route-params';
import { APP_CONFIG } from '../infrastructure/runtime';
import { LiveFeed } from './live-feed';
import { LiveHub } from './live-hub';
import { LIVE_MESSAGE_SCHEMA, LiveSnapshotMessageDto, LiveUpdateMessageDto } from './live.dto';
import type { LiveEventName, LiveSnapshot, TurnoutView } from './live.contract';

const POSITION = /^(-1|0|[1-9]\d{0,15})$/;

export class LiveQuery {
  @ApiPropertyOptional({
    description: 'For clients that cannot set headers (EventSource on a new page): same as Last-Event-ID',
  })
  @IsOptional()
  @Matches(POSITION, { message: 'lastEventId must be a global position (an integer ≥ -1)' })
  lastEventId?: string;
}

@ApiTags('live')
@Public()
@Controller('elections')
export class LiveController {
  private readonly logger = new Logger('live');

  constructor(
    private readonly catalog: ElectionCatalog,
    private readonly feed: LiveFeed,
    private readonly hub: LiveHub,
    private readonly eventStore: EventStore,
    private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    @Query() { lastEventId: fromQuery }: LiveQuery,
    @Headers('last-event-id') fromHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.catalog.get(electionId);
    const resume = this.resumePosition(fromHeader, fromQuery);
    const head = await this.eventStore.headPosition();
    let cursor: number;
    let snapshot: string | null = null;
    let state: LiveSnapshot | null = null;
    if (resume !== undefined) {
      if (resume > head) {
        throw new HttpProblem(
          400,
          'REQUEST.POSITION_BEYOND_LOG',
          'The request is malformed',
          `Last-Event-ID ${resume} is beyond the last position of the log (${head}); reconnect without it`,
        );
      }
      cursor = resume;
    } else {
      // A new client sees at least everything written before it connected.
      await this.runner.waitForPosition(head, this.config.READ_WAIT_TIMEOUT_MS);
      cursor = await this.runner.projectedPosition();
      state = await this.feed.snapshot(this.catalog, electionId, cursor);
      if (!state) {
        throw new HttpProblem(
          503,
          'RESULTS.NOT_CAUGHT_UP',
          'The read models are behind',
          `Election ${electionId} is not projected yet; retry shortly`,
          {},
          { 'retry-after': '1' },
        );
      }
      snapshot = message('snapshot', state.position, state);
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    // Before anything can produce an update: the snapshot is always the first message (writes keep their order).
    raw.write(`retry: 2000\n\n${snapshot ?? ''}`);
    let open = true;
    let target = cursor;
    let busy = false;
    let turnout: TurnoutView | undefined = state?.turnout;

    const write = async (chunk: string): Promise<void> => {
      if (!open) return;
      if (raw.write(chunk)) return;
      // A slow client: wait until its buffer drains (or it leaves) before building the next update.
      await new Promise<void>((resolve) => {
        const done = () => {
          raw.off('drain', done);
          raw.off('close', done);
          resolve();
        };
        raw.on('drain', done);
        raw.on('close', done);
      });
    };
    const pump = async (): Promise<void> => {
      if (busy || !open) return;
      busy = true;
      try {
        while (open && target > cursor) {
          const upTo = target;
          const events = await this.feed.eventsBetween(electionId, cursor, upTo);
          if (events.length > 0) {
            const built = await this.feed.update(electionId, cursor, events, turnout);
            // The rows are gone (a projection rebuilding): keep the cursor; retried when the read models move on.
            if (!built) break;
            turnout = built.turnout;
            await write(message('update', built.update.position, built.update));
          }
          cursor = upTo;
        }
      } catch (error) {
        // The client reconnects with its Last-Event-ID and misses nothing.
        this.logger.error(`live stream of ${electionId} failed: ${(error as Error).stack ?? String(error)}`);
        close();
        raw.end();
      } finally {
        busy = false;
      }
    };
    const heartbeat = setInterval(() => void write(': heartbeat\n\n'), this.config.LIVE_HEARTBEAT_MS);
    const stopListening = this.hub.listen((position) => {
      target = Math.max(target, position);
      void pump();
    });
    const untrack = this.hub.track(() => {
      close();
      raw.end();
    });
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      stopListening();
      untrack();
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

function message(event: LiveEventName, id: number, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
