import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { devCheckpointKeyPath, resolveCheckpointKeys } from './checkpoint-keys';

const tmpPgDir = () => join(mkdtempSync(join(tmpdir(), 'tally-ckeys-')), 'pg');
const ed25519Pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const errorOf = (run: () => unknown): string => {
  try {
    run();
    return '';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
};

describe('the checkpoint signing key', () => {
  it('in development, is generated once (Ed25519, mode 0600) next to the embedded data and kept', () => {
    const config = loadConfig({ EMBEDDED_PG_DIR: tmpPgDir() });
    const first = resolveCheckpointKeys(config);
    const path = devCheckpointKeyPath(config);
    expect(path).toBe(join(config.EMBEDDED_PG_DIR, '..', 'dev-checkpoint-key.pem'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first).toMatchObject({ source: 'dev key file' });
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    const again = resolveCheckpointKeys(config);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    expect(readFileSync(path, 'utf8')).toContain('BEGIN PRIVATE KEY');
  });

  it('from CHECKPOINT_SIGNING_KEY (newlines written as \\n too); its public half verifies what it signs', () => {
    const pem = ed25519Pem();
    const keys = resolveCheckpointKeys(
      loadConfig({ EMBEDDED_PG_DIR: tmpPgDir(), CHECKPOINT_SIGNING_KEY: pem.replace(/\n/g, '\\n') }),
    );
    expect(keys.source).toBe('CHECKPOINT_SIGNING_KEY');
    const signature = sign(null, Buffer.from('x'), keys.privateKey);
    expect(verify(null, Buffer.from('x'), keys.publicKeyPem, signature)).toBe(true);
  });

  it('loadConfig refuses a key that is not an Ed25519 private key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    for (const bad of ['not a pem', ec]) {
      expect(errorOf(() => loadConfig({ CHECKPOINT_SIGNING_KEY: bad }))).toContain(
        'CHECKPOINT_SIGNING_KEY must be an Ed25519 private key',
      );
    }
  });

  it('in production, the api refuses to start without one, or with the generated development key', () => {
    const dir = tmpPgDir();
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-production-secret-of-more-than-32-bytes',
    };
    expect(
      errorOf(() => resolveCheckpointKeys(loadConfig({ ...production, EMBEDDED_PG_DIR: dir }))),
    ).toContain('NODE_ENV=production needs CHECKPOINT_SIGNING_KEY');
    resolveCheckpointKeys(loadConfig({ EMBEDDED_PG_DIR: dir }));
    const dev = readFileSync(devCheckpointKeyPath({ EMBEDDED_PG_DIR: dir }), 'utf8');
    expect(
      errorOf(() =>
        resolveCheckpointKeys(
          loadConfig({ ...production, EMBEDDED_PG_DIR: dir, CHECKPOINT_SIGNING_KEY: dev }),
        ),
      ),
    ).toContain('is the generated development key');
    const real = loadConfig({ ...production, EMBEDDED_PG_DIR: dir, CHECKPOINT_SIGNING_KEY: ed25519Pem() });
    expect(resolveCheckpointKeys(real).source).toBe('CHECKPOINT_SIGNING_KEY');
  });
});
