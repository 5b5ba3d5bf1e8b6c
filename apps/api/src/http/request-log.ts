import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Logger as Pino } from 'pino';
import { actorOf, correlationIdOf } from './request-context';

/** What is known of a request once its answer is sent: for the request log line, and for metrics. */
export interface RequestSummary {
  requestId: string;
  correlationId: string;
  method: string;
  /** The route pattern (`/elections/:electionId/tallies`), null when no route matched. */
  route: string | null;
  /** The path and query, cut at 256 characters (a hostile URL can be 16 KiB). */
  url: string;
  status: number;
  latencyMs: number;
  actorId: string;
}

export type RequestObserver = (summary: RequestSummary) => void;

const MAX_URL = 256;

/** Calls every observer once per answered request (Fastify's onResponse), live streams once they end. */
export function observeRequests(app: NestFastifyApplication, observers: RequestObserver[]): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (raw, reply) => {
      // Nest's adapter carries its own copy of Fastify's types; the request is the same object.
      const request = raw as unknown as FastifyRequest;
      const summary: RequestSummary = {
        requestId: String(request.id),
        correlationId: correlationIdOf(request),
        method: request.method,
        route: request.routeOptions?.url ?? null,
        url: request.url.length > MAX_URL ? `${request.url.slice(0, MAX_URL)}…` : request.url,
        status: reply.statusCode,
        latencyMs: Math.round(reply.elapsedTime * 100) / 100,
        actorId: actorOf(request).id,
      };
      for (const observe of observers) observe(summary);
    });
}

/** One line per request at debug; a server error (5xx) at error, so it is seen at any level. */
export function requestLogLine(logger: Pino): RequestObserver {
  const http = logger.child({ context: 'http' });
  return (summary) => {
    if (summary.status >= 500) http.error(summary, 'request');
    else http.debug(summary, 'request');
  };
}
