import { loadConfig, mintToken, resolveJwtKeys } from '@tally/platform';
import { TokenVerifier } from './token-verifier';

const config = loadConfig({
  JWT_SECRET: 'token-verifier-spec-secret-of-at-least-32-bytes',
  JWT_CLOCK_SKEW_SECONDS: '5',
});
const keys = resolveJwtKeys(config);

describe('TokenVerifier', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a token it verified before with the same actor, each request a copy of its own', async () => {
    const verifier = new TokenVerifier(config, keys);
    const token = await mintToken(
      config,
      keys,
      { sub: 'officer-1', role: 'submitter', districts: ['ba-dinh'] },
      60,
    );
    const first = await verifier.verify(token);
    first.districts?.push('tay-ho');
    const second = await verifier.verify(token);
    expect(second).toEqual({ id: 'officer-1', role: 'submitter', districts: ['ba-dinh'] });
  });

  it('refuses a remembered token once it expired beyond the clock skew, as a fresh verification would', async () => {
    const verifier = new TokenVerifier(config, keys);
    const token = await mintToken(config, keys, { sub: 'officer-2', role: 'submitter' }, 60);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(await verifier.verify(token)).toEqual({ id: 'officer-2', role: 'submitter' });

    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.setSystemTime((exp + 4) * 1000); // within the skew: still accepted
    expect(await verifier.verify(token)).toEqual({ id: 'officer-2', role: 'submitter' });
    jest.setSystemTime((exp + 5) * 1000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401 });
    await expect(new TokenVerifier(config, keys).verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a token that differs from a remembered one only in its signature', async () => {
    const verifier = new TokenVerifier(config, keys);
    const token = await mintToken(config, keys, { sub: 'admin-1', role: 'admin' }, 60);
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401 });
  });
});
