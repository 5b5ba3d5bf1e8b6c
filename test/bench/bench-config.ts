import { AppConfig, loadConfig, mintToken, resolveJwtKeys } from '@tally/platform';
import { randomBytes } from 'node:crypto';

/**
 * The api configuration every bench uses: a throw-away JWT secret, a rate limit no client reaches (the bench measures
 * the api, not the throttler), and a city-admin token for the clients.
 */
export async function benchConfig(databaseUrl: string): Promise<{ config: AppConfig; token: string }> {
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
  return { config, token };
}
