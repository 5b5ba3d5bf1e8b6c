import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** The observers of each app's Fastify instance. */
const observersOf = new WeakMap<object, RequestObserver[]>();

/**
 * Calls every observer once per answered request (Fastify's onResponse; live streams once they end), and for the
 * answers the router gives before any hook runs (see FrameworkErrors), through `requestAnswered`.
 */
export function observeRequests(app: NestFastifyApplication, observers: RequestObserver[]): void {
  const fastify = app.getHttpAdapter().getInstance();
  observersOf.set(fastify, observers);
  fastify.addHook('onResponse', async (request, reply) =>
    // Nest's adapter carries its own copy of Fastify's types; the objects are the same.
    requestAnswered(request as unknown as FastifyRequest, reply as unknown as FastifyReply),
  );
}

export function requestAnswered(request: FastifyRequest, reply: FastifyReply): void {
  const observers = observersOf.get(request.server);
  if (!observers) return;
  const latency = reply.elapsedTime;
  const summary: RequestSummary = {
    requestId: String(request.id),
    correlationId: correlationIdOf(request),
    method: request.method,
    route: request.routeOptions?.url ?? null,
    url: request.url.length > MAX_URL ? `${request.url.slice(0, MAX_URL)}…` : request.url,
    status: reply.statusCode,
    latencyMs: Number.isFinite(latency) ? Math.round(latency * 100) / 100 : 0,
    actorId: actorOf(request).id,
  };
  for (const observe of observers) observe(summary);
}

/**
 * One line per request at debug; a server error (5xx) at error, so it is seen at any level. A 503 is back-pressure
 * with Retry-After (TIME_TRAVEL.BUSY, RESULTS.NOT_CAUGHT_UP, SERVICE.SHUTTING_DOWN), not a fault: warn, so that a
 * flood of them does not read as an outage.
 */
export function requestLogLine(logger: Pino): RequestObserver {
  const http = logger.child({ context: 'http' });
  return (summary) => {
    if (summary.status === 503) http.warn(summary, 'request');
    else if (summary.status >= 500) http.error(summary, 'request');
    else http.debug(summary, 'request');
  };
}
