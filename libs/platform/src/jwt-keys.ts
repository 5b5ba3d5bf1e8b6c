import { JwtService } from '@nestjs/jwt';
import { createPrivateKey, createPublicKey, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AppConfig } from './config';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** How this process verifies (and, given a secret or private key, mints) tokens. */
export interface JwtKeys {
  algorithm: JwtAlgorithm;
  verifyKey: string;
  /** Absent when only a public key is configured: this process can verify but not mint. */
  signKey?: string;
  source: 'JWT_SECRET' | 'JWT_PUBLIC_KEY' | 'dev secret file';
}

export const MIN_SECRET_BYTES = 32;

/** PEM from an environment variable, where newlines are often written as `\n`. */
function pem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

function algorithmOf(key: KeyObject): JwtAlgorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

/** `.data/dev-jwt-secret`: next to the embedded PostgreSQL data folder, shared by the api and the CLI. */
export function devSecretPath(config: Pick<AppConfig, 'EMBEDDED_PG_DIR'>): string {
  return join(dirname(resolve(config.EMBEDDED_PG_DIR)), 'dev-jwt-secret');
}

function readDevSecret(config: AppConfig): string | undefined {
  const path = devSecretPath(config);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** Reads the development secret, creating it (random, mode 0600) the first time. */
function devSecret(config: AppConfig): string {
  const path = devSecretPath(config);
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/** Every problem with the JWT settings, for ConfigError. Production must have a real key. */
export function jwtKeyProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const { JWT_SECRET: secret, JWT_PUBLIC_KEY: publicPem, JWT_PRIVATE_KEY: privatePem } = config;
  if (secret !== undefined && publicPem !== undefined) {
    problems.push(
      'JWT_SECRET and JWT_PUBLIC_KEY are both set: choose HS256 (secret) or RS256/ES256 (key pair)',
    );
  }
  if (secret !== undefined && Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`);
  }
  let publicAlgorithm: JwtAlgorithm | undefined;
  if (publicPem !== undefined) {
    try {
      publicAlgorithm = algorithmOf(createPublicKey(pem(publicPem)));
      if (!publicAlgorithm) problems.push('JWT_PUBLIC_KEY must be an RSA (RS256) or EC P-256 (ES256) key');
    } catch {
      problems.push('JWT_PUBLIC_KEY is not a readable PEM public key');
    }
  }
  if (privatePem !== undefined) {
    try {
      const algorithm = algorithmOf(createPrivateKey(pem(privatePem)));
      if (!algorithm) problems.push('JWT_PRIVATE_KEY must be an RSA or EC P-256 key');
      else if (publicAlgorithm && algorithm !== publicAlgorithm)
        problems.push('JWT_PRIVATE_KEY and JWT_PUBLIC_KEY are keys of different kinds');
    } catch {
      problems.push('JWT_PRIVATE_KEY is not a readable PEM private key');
    }
  }
  if (config.NODE_ENV === 'production') {
    if (secret === undefined && publicPem === undefined) {
      problems.push(
        'NODE_ENV=production needs a real key: JWT_SECRET (HS256, at least 32 bytes) or JWT_PUBLIC_KEY (RS256/ES256)',
      );
    } else if (secret !== undefined && secret === readDevSecret(config)) {
      problems.push('JWT_SECRET is the generated development secret: NODE_ENV=production needs a real one');
    }
  }
  return problems;
}

/**
 * The keys from a validated config: JWT_PUBLIC_KEY (with JWT_PRIVATE_KEY to mint), JWT_SECRET, or, outside
 * production, the development secret file (created on first use).
 */
export function resolveJwtKeys(config: AppConfig): JwtKeys {
  if (config.JWT_PUBLIC_KEY !== undefined) {
    const verifyKey = pem(config.JWT_PUBLIC_KEY);
    return {
      algorithm: algorithmOf(createPublicKey(verifyKey))!,
      verifyKey,
      signKey: config.JWT_PRIVATE_KEY !== undefined ? pem(config.JWT_PRIVATE_KEY) : undefined,
      source: 'JWT_PUBLIC_KEY',
    };
  }
  if (config.JWT_SECRET !== undefined) {
    return {
      algorithm: 'HS256',
      verifyKey: config.JWT_SECRET,
      signKey: config.JWT_SECRET,
      source: 'JWT_SECRET',
    };
  }
  if (config.NODE_ENV === 'production')
    throw new Error('unreachable: loadConfig refuses production without a key');
  const secret = devSecret(config);
  return { algorithm: 'HS256', verifyKey: secret, signKey: secret, source: 'dev secret file' };
}

/** The claims Tally Ledger reads from a token besides iss/aud/exp. */
export interface TokenClaims {
  sub: string;
  role: string;
  districts?: string[];
}

const TTL = /^([1-9]\d{0,6})([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
export const MAX_TTL_SECONDS = 90 * 86_400;

/** `90s`, `15m`, `12h`, `7d` → seconds; undefined when unreadable or above 90 days. */
export function parseTtl(value: string): number | undefined {
  const match = TTL.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  return seconds <= MAX_TTL_SECONDS ? seconds : undefined;
}

/** Mints a token with this deployment's issuer and audience. Needs a secret or a private key. */
export async function mintToken(
  config: Pick<AppConfig, 'JWT_ISSUER' | 'JWT_AUDIENCE'>,
  keys: JwtKeys,
  claims: TokenClaims,
  ttlSeconds: number,
): Promise<string> {
  if (keys.signKey === undefined) {
    throw new Error('Minting needs JWT_SECRET, or JWT_PRIVATE_KEY next to JWT_PUBLIC_KEY');
  }
  const { sub, ...rest } = claims;
  const payload = rest.districts === undefined ? { role: rest.role } : rest;
  const signing = keys.algorithm === 'HS256' ? { secret: keys.signKey } : { privateKey: keys.signKey };
  return new JwtService().signAsync(payload, {
    ...signing,
    algorithm: keys.algorithm,
    subject: sub,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
}
