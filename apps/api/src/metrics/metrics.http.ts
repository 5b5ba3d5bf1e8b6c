import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Metrics, startMetricsServer } from '@tally/platform';
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { PROBLEM_CONTENT_TYPE, problemType } from '../http/problem';
import type { RequestObserver } from '../http/request-log';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Counts every answer (an observer of http/request-log.ts, which also sees what the router refuses before hooks). */
export function countRequests(metrics: Metrics): RequestObserver {
  return ({ route, method, status, latencyMs }) => {
    const template = route ?? 'unmatched';
    metrics.httpRequests.inc({ route: template, method, status: String(status) });
    metrics.httpDuration.observe({ route: template, method }, latencyMs / 1000);
  };
}

/**
 * The api's metrics: every answer counted by route template, method and status (with its latency), and
 * GET /metrics — on this port only behind `Authorization: Bearer <METRICS_TOKEN>` (a Fastify route of its own: the
 * token is not a JWT, so it stays out of the JWT guard), and on METRICS_PORT without one.
 */
export async function exposeMetrics(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<Server | undefined> {
  const metrics = app.get(Metrics);
  const fastify = app.getHttpAdapter().getInstance();
  const token = config.METRICS_TOKEN;
  if (token) {
    fastify.get('/metrics', async (request, reply) => {
      const given = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !sameSecret(given, token)) {
        const code = given ? 'AUTH.TOKEN_INVALID' : 'AUTH.TOKEN_MISSING';
        return reply
          .status(401)
          .header('content-type', PROBLEM_CONTENT_TYPE)
          .header('www-authenticate', 'Bearer realm="tally-ledger-metrics"')
          .send({
            type: problemType(code),
            title: 'The metrics need METRICS_TOKEN',
            status: 401,
            detail: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
            code,
            instance: request.url,
            requestId: String(request.id),
          });
      }
      return reply.header('content-type', metrics.contentType).send(await metrics.text());
    });
  }
  return config.METRICS_PORT
    ? startMetricsServer(metrics, config.METRICS_PORT, config.METRICS_HOST)
    : undefined;
}
