import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@tally/event-store';
import { ProjectionRunner } from '@tally/read-models';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

type Check = { status: 'up' } | { status: 'down'; error: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await probe();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Event store, database and projection lag' })
  @ApiOkResponse({ description: 'All up' })
  @ApiServiceUnavailableResponse({ description: 'The event store or the database is down' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, database] = await Promise.all([
      check(() => this.eventStore.ping()),
      check(() => this.dataSource.query('SELECT 1')),
    ]);
    const projections = database.status === 'up' ? await this.runner.status().catch(() => []) : [];
    const up = eventStore.status === 'up' && database.status === 'up';
    void reply.status(up ? 200 : 503);
    return {
      status: up ? 'up' : 'down',
      eventStore: { adapter: this.eventStore.name, ...eventStore },
      database,
      projections,
    };
  }
}
