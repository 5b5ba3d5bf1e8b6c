import { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppConfig } from '@tally/platform';
import { FrameworkErrors, requestIdOf, requireHostHeader } from './framework-errors';
import { MAX_PARAM_LENGTH } from './problem-details.filter';

/** The Fastify adapter of the api, with every framework and client error answered as problem+json. */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const errors = new FrameworkErrors();
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A body with __proto__ or constructor.prototype is refused (400) by the JSON parser, never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Fastify's own logger stays off: the api logs one line per request itself (http/request-log.ts).
    logger: false,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: errors.router,
    clientErrorHandler: errors.client,
    http: { requireHostHeader: false },
    // While closing, Fastify would answer 503 in its own JSON; refuseWhileDraining answers problem+json instead.
    return503OnClosing: false,
  });
  const fastify = adapter.getInstance();
  fastify.server.on('checkExpectation', errors.expectation);
  fastify.addHook('onRequest', requireHostHeader);
  return adapter;
}
