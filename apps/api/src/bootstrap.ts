import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { hardenHttp } from './http/hardening';
import { exposeMetrics } from './metrics/metrics.http';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { createValidationPipe } from './http/validation';
import { AppRuntime } from './infrastructure/runtime';
import { registerScanUploads } from './scans/scan-uploads';
import { registerScreen } from './screen/screen';
import { setupSwagger } from './swagger';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the api (not yet listening): used by main.ts and by the end-to-end specs. */
export async function createApiApp(runtime: AppRuntime): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: runtime.config.BODY_LIMIT_BYTES,
    // A body with __proto__ or constructor.prototype is refused (400) by the JSON parser, never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Fastify's own logger stays off: Nest logs, and never a header (so no Authorization) or a body.
    logger: false,
    // A client's x-request-id is kept (so its retries can be traced); otherwise one is made.
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const level = LEVELS.indexOf(runtime.config.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime), adapter, {
    logger: LEVELS.slice(0, level + 1),
  });
  const filter = new ProblemDetailsFilter();
  app.useGlobalFilters(filter);
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  // A definition lists every polling area and candidate (a country's is ~17 MB): its own, larger limit.
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/elections' && [route.method].flat().includes('POST')) {
      route.bodyLimit = runtime.config.DEFINITION_LIMIT_BYTES;
    }
  });
  // The api speaks JSON only: any other body is 415, not a string that fails validation field by field.
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  registerScanUploads(app, runtime.config.SCAN_LIMIT_BYTES);
  await hardenHttp(app, runtime.config);
  const metricsServer = await exposeMetrics(app, runtime.config);
  if (metricsServer) app.getHttpServer().once('close', () => metricsServer.close());
  setupSwagger(app);
  registerScreen(app); // the press-room screen at `/`
  await app.init();
  return app;
}
