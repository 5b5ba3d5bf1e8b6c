import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '@tally/platform';
import { createApiApp } from '../../apps/api/src/bootstrap';
import type { AppRuntime } from '../../apps/api/src/infrastructure/runtime';
import { createTestDatabase, TestDatabase } from './database';
import { TEST_CHECKPOINT_KEY, TEST_JWT_SECRET, tokenFor, TokenRequest } from './tokens';

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON bodies
  body: any;
}

export interface TestApi {
  app: NestFastifyApplication;
  db: TestDatabase;
  config: AppConfig;
  /**
   * One request through the whole Fastify/Nest pipeline; the body is parsed as JSON. Sends a city-admin token
   * unless `headers.authorization` is given: `{ authorization: '' }` sends none, `bearer(token)` another one.
   */
  call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  /** A valid token for this api, e.g. `tokenFor({ role: 'submitter', districts: ['ba-dinh'] })`. */
  tokenFor(request: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The real api (Fastify, Nest, postgres event store, projections inline) on a fresh database; requests via inject.
 * `decorateEventStore` wraps the event store, e.g. in GappedPositionsEventStore for KurrentDB-like positions.
 */
export async function startTestApi(
  env: Record<string, string> = {},
  { decorateEventStore }: Pick<AppRuntime, 'decorateEventStore'> = {},
): Promise<TestApi> {
  const db = await createTestDatabase('e2e');
  return startApiOn(db, env, { decorateEventStore }, true);
}

/**
 * Another api process on the database of `api` (several apis share one store, as behind a load balancer), with
 * `env` added to the config (e.g. PROJECTIONS: 'off'). Its close() leaves the database to `api`: close it first.
 */
export function startAnotherApi(api: TestApi, env: Record<string, string> = {}): Promise<TestApi> {
  return startApiOn(api.db, env, {}, false);
}

async function startApiOn(
  db: TestDatabase,
  env: Record<string, string>,
  { decorateEventStore }: Pick<AppRuntime, 'decorateEventStore'>,
  ownsDatabase: boolean,
): Promise<TestApi> {
  const config = loadConfig({
    LOG_LEVEL: 'error',
    READ_WAIT_TIMEOUT_MS: '10000',
    JWT_SECRET: TEST_JWT_SECRET,
    CHECKPOINT_SIGNING_KEY: TEST_CHECKPOINT_KEY,
    RATE_LIMIT_PER_MINUTE: '1000000',
    // A decorated store lives in this process alone: a time-travel worker thread, with a connection of its own,
    // would read around the decoration.
    ...(decorateEventStore ? { TIME_TRAVEL_FOLDS_THREAD: 'main' } : {}),
    ...env,
    DATABASE_URL: db.url,
  });
  const app = await createApiApp({ config, databaseUrl: db.url, decorateEventStore });
  await app.getHttpAdapter().getInstance().ready();
  const cityAdmin = await tokenFor(config, { role: 'admin', sub: 'city-admin' });
  return {
    app,
    db,
    config,
    tokenFor: (request) => tokenFor(config, request),
    async call(method, url, payload, headers = {}) {
      const { authorization = `Bearer ${cityAdmin}`, ...rest } = headers;
      const sent = authorization === '' ? rest : { ...rest, authorization };
      const response = await app.inject({ method, url, payload: payload as object, headers: sent });
      return {
        status: response.statusCode,
        headers: response.headers,
        // JSON and problem+json are parsed; anything else (NDJSON, HTML) stays text.
        body: !response.body
          ? undefined
          : /[/+]json\b/.test(String(response.headers['content-type']))
            ? JSON.parse(response.body)
            : response.body,
      };
    },
    async close() {
      await app.close();
      if (ownsDatabase) await db.drop();
    },
  };
}
