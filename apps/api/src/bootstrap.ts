import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAppLogger, Metrics } from '@tally/platform';
import { AppModule } from './app.module';
import { createFastifyAdapter } from './http/fastify-adapter';
import { refuseWhileDraining } from './http/graceful-shutdown';
import { hardenHttp } from './http/hardening';
import { observeRequests, requestLogLine } from './http/request-log';
import { countRequests, exposeMetrics } from './metrics/metrics.http';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { createValidationPipe } from './http/validation';
import { AppRuntime } from './infrastructure/runtime';
import { registerScanUploads } from './scans/scan-uploads';
import { registerScreen } from './screen/screen';
import { setupSwagger } from './swagger';

/** Builds the api (not yet listening): used by main.ts and by the end-to-end specs. */
export async function createApiApp(runtime: AppRuntime): Promise<NestFastifyApplication> {
  const adapter = createFastifyAdapter(runtime.config);
  const logger = createAppLogger(runtime.config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime), adapter, {
    logger,
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
  refuseWhileDraining(app);
  // One place where every answered request is seen: the request log line and the HTTP metrics.
  observeRequests(app, [requestLogLine(logger.pino), countRequests(app.get(Metrics))]);
  registerScanUploads(app, runtime.config.SCAN_LIMIT_BYTES);
  await hardenHttp(app, runtime.config);
  const metricsServer = await exposeMetrics(app, runtime.config);
  if (metricsServer) app.getHttpServer().once('close', () => metricsServer.close());
  setupSwagger(app);
  registerScreen(app); // the press-room screen at `/`
  await app.init();
  return app;
}
