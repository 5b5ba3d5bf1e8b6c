import { JwtService } from '@nestjs/jwt';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveJwtKeys } from '@tally/platform';
import { apiAuthorization } from './api-auth';

const SECRET = 'a-secret-for-the-cli-spec-0123456789abcdef';
const emptyPgDir = () => join(mkdtempSync(join(tmpdir(), 'tally-cli-auth-')), 'pg');

async function claimsOf(header: Record<string, string>, secret: string) {
  const token = header.authorization.replace(/^Bearer /, '');
  return new JwtService().verifyAsync(token, {
    secret,
    algorithms: ['HS256'],
    issuer: 'tally-ledger',
    audience: 'tally-ledger-api',
  });
}

describe('the Authorization header of CLI commands that call the api', () => {
  it('sends TALLY_TOKEN as it is when set', async () => {
    expect(await apiAuthorization({ TALLY_TOKEN: 'abc.def.ghi', JWT_SECRET: SECRET })).toEqual({
      authorization: 'Bearer abc.def.ghi',
    });
  });

  it('otherwise mints a short-lived city-admin token with JWT_SECRET', async () => {
    const claims = await claimsOf(await apiAuthorization({ JWT_SECRET: SECRET }), SECRET);
    expect(claims).toMatchObject({ sub: 'cli', role: 'admin' });
    expect(claims).not.toHaveProperty('districts');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
  });

  it('or with the dev secret of the embedded default, but only when the file exists (it never creates one)', async () => {
    const pgDir = emptyPgDir();
    expect(await apiAuthorization({ EMBEDDED_PG_DIR: pgDir })).toEqual({});
    const secret = resolveJwtKeys(loadConfig({ EMBEDDED_PG_DIR: pgDir })).verifyKey;
    const claims = await claimsOf(await apiAuthorization({ EMBEDDED_PG_DIR: pgDir }), secret);
    expect(claims).toMatchObject({ sub: 'cli', role: 'admin' });
  });

  it('sends nothing in production without a signing key (the api will answer 401)', async () => {
    expect(await apiAuthorization({ NODE_ENV: 'production', EMBEDDED_PG_DIR: emptyPgDir() })).toEqual({});
  });
});
