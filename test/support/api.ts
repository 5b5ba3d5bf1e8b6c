import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@tally/platform';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase } from './database';

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON bodies
  body: any;
}

export interface TestApi {
  app: NestFastifyApplication;
  db: TestDatabase;
  /** One request through the whole Fastify/Nest pipeline; the body is parsed as JSON. */
  call(
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

/** The real api (Fastify, Nest, postgres event store, projections inline) on a fresh database; requests via inject. */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase('e2e');
  const config = loadConfig({
    LOG_LEVEL: 'error',
    READ_WAIT_TIMEOUT_MS: '10000',
    ...env,
    DATABASE_URL: db.url,
  });
  const app = await createApiApp({ config, databaseUrl: db.url });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
    async call(method, url, payload, headers = {}) {
      const response = await app.inject({ method, url, payload: payload as object, headers });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body ? JSON.parse(response.body) : undefined,
      };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
