import { JwtService } from '@nestjs/jwt';
import { AppConfig, mintToken, resolveJwtKeys, TokenClaims } from '@tally/platform';
import { generateKeyPairSync, randomUUID } from 'node:crypto';

/** The HS256 secret every in-process test api uses unless a spec sets its own JWT_SECRET. */
export const TEST_JWT_SECRET = 'test-secret-for-tally-ledger-specs-0123456789abcdef';

/** The Ed25519 key every test api signs its checkpoints with (one per test process), so no dev key file is made. */
export const TEST_CHECKPOINT_KEY = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

export interface TokenRequest {
  role: 'submitter' | 'admin' | 'auditor';
  districts?: string[];
  sub?: string;
  ttlSeconds?: number;
}

/** A valid token for this config (its key, issuer and audience). */
export function tokenFor(config: AppConfig, request: TokenRequest): Promise<string> {
  const claims: TokenClaims = {
    sub: request.sub ?? `${request.role}-${randomUUID().slice(0, 8)}`,
    role: request.role,
    ...(request.districts ? { districts: request.districts } : {}),
  };
  return mintToken(config, resolveJwtKeys(config), claims, request.ttlSeconds ?? 3600);
}

/**
 * Hostile tokens against a config: signed with another secret, for another audience, expired beyond the tolerated
 * skew, or with the `none` algorithm.
 */
export async function hostileTokens(config: AppConfig) {
  const jwt = new JwtService();
  const claims = { role: 'admin' };
  const base = { subject: 'mallory', issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const secret = config.JWT_SECRET ?? TEST_JWT_SECRET;
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(
    JSON.stringify({
      ...claims,
      sub: 'mallory',
      iss: config.JWT_ISSUER,
      aud: config.JWT_AUDIENCE,
      exp: now + 600,
    }),
  ).toString('base64url');
  return {
    expired: await jwt.signAsync(
      { ...claims, exp: now - config.JWT_CLOCK_SKEW_SECONDS - 60, iat: now - 3600 },
      { ...base, secret },
    ),
    forged: await jwt.signAsync(claims, {
      ...base,
      secret: 'another-secret-that-is-long-enough-0123456789',
      expiresIn: 600,
    }),
    wrongAudience: await jwt.signAsync(claims, { ...base, audience: 'someone-else', secret, expiresIn: 600 }),
    algNone: `${header}.${body}.`,
  };
}
