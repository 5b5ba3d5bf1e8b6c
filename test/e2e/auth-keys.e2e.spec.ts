import { JwtService } from '@nestjs/jwt';
import { generateKeyPairSync } from 'node:crypto';
import { bearer, startTestApi, TestApi } from '../support/api';

/** The api with a key pair: it holds only the public key's algorithm, so an HS256 token "signed" with it is refused. */
describe.each([
  ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
] as const)('tokens verified with a %s public key', (algorithm, generate) => {
  let api: TestApi;
  let publicPem: string;

  beforeAll(async () => {
    const { publicKey, privateKey } = generate();
    publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    api = await startTestApi({
      JWT_SECRET: '',
      JWT_PUBLIC_KEY: publicPem,
      JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  });
  afterAll(() => api?.close());

  it('accepts a token signed with the private key', async () => {
    const token = await api.tokenFor({ role: 'auditor' });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg).toBe(algorithm);
    expect((await api.call('GET', '/elections/none-such', undefined, bearer(token))).status).toBe(404);
  });

  it('refuses an HS256 token that uses the public key as its secret (algorithm confusion)', async () => {
    // jsonwebtoken itself refuses to sign HS256 with a PEM, so the token is built by hand.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
      sub: 'mallory',
      role: 'admin',
      iss: 'tally-ledger',
      aud: 'tally-ledger-api',
      exp: now + 600,
    })}`;
    const { createHmac } = await import('node:crypto');
    const token = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
    const res = await api.call('GET', '/elections/none-such', undefined, bearer(token));
    expect([res.status, res.body.code]).toEqual([401, 'AUTH.TOKEN_INVALID']);
    // And a token of the right algorithm from another key pair is refused too.
    const other = generate().privateKey;
    const foreign = await new JwtService().signAsync(
      { role: 'admin' },
      {
        privateKey: other,
        algorithm,
        subject: 'x',
        issuer: 'tally-ledger',
        audience: 'tally-ledger-api',
        expiresIn: 60,
      },
    );
    expect((await api.call('GET', '/elections/none-such', undefined, bearer(foreign))).status).toBe(401);
  });
});
