import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@tally/platform';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase } from './database';

export interface TestApi {
  app: NestFastifyApplication;
  db: TestDatabase;
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
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
