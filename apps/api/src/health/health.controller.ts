import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@tally/event-store';
import { ProjectionRunner } from '@tally/read-models';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorators';
import { HealthDto } from './health.dto';

type Check = { status: 'up' } | { status: 'down'; error: string };

const logger = new Logger('health');

/** Details stay in the log: a public health answer must not reveal hosts or credentials. */
async function check(what: string, probe: () => Promise<unknown>): Promise<Check> {
  try {
    await probe();
    return { status: 'up' };
  } catch (error) {
    logger.error(`${what} is unreachable: ${error instanceof Error ? error.message : String(error)}`);
    return { status: 'down', error: 'unreachable' };
  }
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Event store, database and projection lag' })
  @ApiOkResponse({ type: HealthDto, description: 'Up, or degraded when a projection keeps failing' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'The event store or the database is down' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, database] = await Promise.all([
      check('event store', () => this.eventStore.ping()),
      check('database', () => this.dataSource.query('SELECT 1')),
    ]);
    const projections = database.status === 'up' ? await this.runner.status().catch(() => []) : [];
    const up = eventStore.status === 'up' && database.status === 'up';
    const failing = projections.some((projection) => projection.state === 'failing');
    void reply.status(up ? 200 : 503);
    return {
      status: !up ? 'down' : failing ? 'degraded' : 'up',
      eventStore: { adapter: this.eventStore.name, ...eventStore },
      database,
      projections,
    };
  }
}
