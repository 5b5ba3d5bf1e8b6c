import { AppConfig, loadConfig, mintToken, resolveJwtKeys } from '@tally/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ElectionDefinition } from '@tally/domain';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { generateHanoi2021 } from '../../apps/cli/src/sample/hanoi-2021';

/**
 * The api configuration every bench uses: a throw-away JWT secret, a rate limit no client reaches (the bench measures
 * the api, not the throttler), and a city-admin token for the clients.
 */
export async function benchConfig(
  databaseUrl: string,
): Promise<{ config: AppConfig; token: string; officialToken: (index: number) => Promise<string> }> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    READ_WAIT_TIMEOUT_MS: '60000',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const token = await mintToken(
    config,
    resolveJwtKeys(config),
    { sub: 'bench-city-admin', role: 'admin' },
    6 * 3600,
  );
  // One token per submitting client, as each district's official has one: the throttler keeps a budget per subject
  // (and its in-memory storage costs in proportion to the hits of one subject), so one shared token would measure
  // something no election night does.
  const officialToken = (index: number) =>
    mintToken(config, resolveJwtKeys(config), { sub: `bench-official-${index}`, role: 'admin' }, 6 * 3600);
  return { config, token, officialToken };
}

/** The p-th percentile of ascending `sorted` values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The api on a loopback port with the bench configuration, and the Hanoi 2021 sample defined through it. */
export async function startBenchApiWithHanoi(databaseUrl: string): Promise<{
  app: NestFastifyApplication;
  base: string;
  token: string;
  definition: ElectionDefinition;
}> {
  const { config, token } = await benchConfig(databaseUrl);
  const app = await createApiApp({ config, databaseUrl });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const definition = generateHanoi2021();
  const defined = await fetch(`${base}/elections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(definition),
  });
  if (defined.status !== 201) {
    await app.close();
    throw new Error(`defining the Hanoi sample failed: ${defined.status}`);
  }
  return { app, base, token, definition };
}
