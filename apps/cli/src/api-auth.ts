import {
  ConfigError,
  devSecretPath,
  loadConfig,
  mintToken,
  resolveJwtKeys,
  TokenClaims,
} from '@tally/platform';
import { existsSync } from 'node:fs';

/** Lifetime of the token a command mints for itself. */
const OWN_TOKEN_SECONDS = 300;

/**
 * The Authorization header for CLI commands that call the HTTP api: `TALLY_TOKEN` when set; otherwise a short-lived
 * city-admin token minted from the local key (JWT_SECRET / JWT_PRIVATE_KEY, or the embedded default's
 * `.data/dev-jwt-secret` when it exists); otherwise none, and the api answers 401.
 */
export async function apiAuthorization(
  env: NodeJS.ProcessEnv = process.env,
  ttlSeconds = OWN_TOKEN_SECONDS,
): Promise<Record<string, string>> {
  const token = await apiToken(env, ttlSeconds);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** The bearer token itself (see apiAuthorization), or undefined when there is none to send. */
export async function apiToken(
  env: NodeJS.ProcessEnv = process.env,
  ttlSeconds = OWN_TOKEN_SECONDS,
): Promise<string | undefined> {
  const given = env.TALLY_TOKEN?.trim();
  if (given) return given;
  const sign = localSigner(env);
  return sign ? sign({ sub: 'cli', role: 'admin' }, ttlSeconds) : undefined;
}

/**
 * Mints tokens with the local key (JWT_SECRET / JWT_PRIVATE_KEY, or the embedded default's `.data/dev-jwt-secret`),
 * or undefined when this machine holds no key to sign with.
 */
export function localSigner(
  env: NodeJS.ProcessEnv = process.env,
): ((claims: TokenClaims, ttlSeconds: number) => Promise<string>) | undefined {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
  const canSign =
    config.JWT_SECRET !== undefined ||
    config.JWT_PRIVATE_KEY !== undefined ||
    (config.JWT_PUBLIC_KEY === undefined &&
      config.NODE_ENV !== 'production' &&
      existsSync(devSecretPath(config)));
  if (!canSign) return undefined;
  const keys = resolveJwtKeys(config);
  return (claims, ttlSeconds) => mintToken(config, keys, claims, ttlSeconds);
}
