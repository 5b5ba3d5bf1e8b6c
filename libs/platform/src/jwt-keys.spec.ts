import { JwtService } from '@nestjs/jwt';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { devSecretPath, mintToken, parseTtl, resolveJwtKeys } from './jwt-keys';

const REAL_SECRET = 'a-real-production-secret-of-more-than-32-bytes';
const pemPair = (type: 'rsa' | 'ec' | 'ed25519') => {
  const options =
    type === 'rsa' ? { modulusLength: 2048 } : type === 'ec' ? { namedCurve: 'prime256v1' } : {};
  const { publicKey, privateKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};
const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
    return '';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
};
const tmpPgDir = () => join(mkdtempSync(join(tmpdir(), 'tally-keys-')), 'pg');

describe('production refuses to start without a real key', () => {
  it.each([
    ['no key at all', {}, 'NODE_ENV=production needs a real key'],
    ['a short secret', { JWT_SECRET: 'too-short' }, 'JWT_SECRET must be at least 32 bytes'],
    [
      'a public key that is not a key',
      { JWT_PUBLIC_KEY: 'not a pem' },
      'JWT_PUBLIC_KEY is not a readable PEM',
    ],
    ['an Ed25519 key', { JWT_PUBLIC_KEY: pemPair('ed25519').publicKey }, 'RSA (RS256) or EC P-256 (ES256)'],
    [
      'both a secret and a public key',
      { JWT_SECRET: REAL_SECRET, JWT_PUBLIC_KEY: pemPair('ec').publicKey },
      'both set',
    ],
  ])('%s', (_, env, message) => {
    expect(problemsOf({ NODE_ENV: 'production', ...env })).toContain(message);
  });

  it('the generated development secret', () => {
    const dir = tmpPgDir();
    const dev = resolveJwtKeys(loadConfig({ EMBEDDED_PG_DIR: dir }));
    expect(problemsOf({ NODE_ENV: 'production', EMBEDDED_PG_DIR: dir, JWT_SECRET: dev.verifyKey })).toContain(
      'JWT_SECRET is the generated development secret',
    );
  });

  it('starts with a real secret or key pair', () => {
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: REAL_SECRET })).toBe('');
    expect(problemsOf({ NODE_ENV: 'production', JWT_PUBLIC_KEY: pemPair('rsa').publicKey })).toBe('');
  });
});

describe('keys', () => {
  it('in development without a secret, generates one file (mode 0600) next to the embedded data and keeps it', () => {
    const config = loadConfig({ EMBEDDED_PG_DIR: tmpPgDir() });
    const first = resolveJwtKeys(config);
    const path = devSecretPath(config);
    expect(path).toBe(join(config.EMBEDDED_PG_DIR, '..', 'dev-jwt-secret'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.byteLength(first.verifyKey)).toBeGreaterThanOrEqual(32);
    expect(resolveJwtKeys(config)).toEqual(first);
    expect(readFileSync(path, 'utf8')).toBe(first.verifyKey);
  });

  it.each([
    ['rsa', 'RS256'],
    ['ec', 'ES256'],
  ] as const)('mints with a %s private key what its public key verifies (%s)', async (type, algorithm) => {
    const pair = pemPair(type);
    // Newlines written as \n, the way PEM often travels in environment variables.
    const config = loadConfig({
      JWT_PUBLIC_KEY: pair.publicKey.replace(/\n/g, '\\n'),
      JWT_PRIVATE_KEY: pair.privateKey,
    });
    const keys = resolveJwtKeys(config);
    expect(keys.algorithm).toBe(algorithm);
    const token = await mintToken(
      config,
      keys,
      { sub: 'officer-1', role: 'submitter', districts: ['ba-dinh'] },
      60,
    );
    const claims = await new JwtService().verifyAsync(token, {
      publicKey: pair.publicKey,
      algorithms: [algorithm],
      issuer: 'tally-ledger',
      audience: 'tally-ledger-api',
    });
    expect(claims).toMatchObject({ sub: 'officer-1', role: 'submitter', districts: ['ba-dinh'] });
    expect(claims.exp - claims.iat).toBe(60);
  });

  it('cannot mint with a public key alone', async () => {
    const config = loadConfig({ JWT_PUBLIC_KEY: pemPair('ec').publicKey });
    await expect(mintToken(config, resolveJwtKeys(config), { sub: 'x', role: 'admin' }, 60)).rejects.toThrow(
      'JWT_PRIVATE_KEY',
    );
  });

  it.each([
    ['90s', 90],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
    ['90d', 7_776_000],
    ['91d', undefined],
    ['0s', undefined],
    ['12', undefined],
    ['1.5h', undefined],
    ['-1h', undefined],
    ['1w', undefined],
  ])('ttl %s → %s seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });
});

it('a dev secret file written by hand is used as it is', () => {
  const config = loadConfig({ EMBEDDED_PG_DIR: tmpPgDir() });
  mkdirSync(join(config.EMBEDDED_PG_DIR, '..'), { recursive: true });
  writeFileSync(devSecretPath(config), `${REAL_SECRET}\n`, { mode: 0o600 });
  expect(resolveJwtKeys(config).verifyKey).toBe(REAL_SECRET);
});
