import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Server } from 'node:http';
import { HttpProblem } from './problem';

/** The apps whose http server is draining: new requests are refused, answers close their connection. */
const draining = new WeakSet<object>();

/**
 * While the api drains, a request that arrives on a connection that was already open gets 503 problem+json
 * (SERVICE.SHUTTING_DOWN, Retry-After: 1): another instance takes it, and nothing was appended. Every answer
 * closes its connection, so the server can finish once the requests in flight have their answer.
 */
export function refuseWhileDraining(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async () => {
    if (!draining.has(fastify)) return;
    throw new HttpProblem(
      503,
      'SERVICE.SHUTTING_DOWN',
      'The server is shutting down',
      'This instance is shutting down; send the request again (another instance will answer it)',
      {},
      { 'retry-after': '1', connection: 'close' },
    );
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (draining.has(fastify)) void reply.header('connection', 'close');
  });
}

/**
 * SIGTERM, in order: stop accepting connections, refuse new requests on open ones (503), end the live streams with
 * a retry hint (LiveHub), wait for the requests in flight to get their answer, then stop the projection runner and
 * close the stores (InfrastructureModule). The caller bounds it in time.
 */
export async function closeGracefully(app: NestFastifyApplication, logger = new Logger('shutdown')) {
  draining.add(app.getHttpAdapter().getInstance());
  const server = app.getHttpServer() as Server;
  // No new connections from here on; Fastify's own close later finds the server closed, which it accepts.
  server.close();
  server.closeIdleConnections();
  logger.log('No longer accepting connections; finishing the requests in flight');
  await app.close();
}
