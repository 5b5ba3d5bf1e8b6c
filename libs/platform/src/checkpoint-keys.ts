import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppConfig, ConfigError } from './config';

/** The key that signs the audit checkpoints, and the public half anyone verifies them with. */
export interface CheckpointKeys {
  privateKey: KeyObject;
  publicKeyPem: string;
  source: 'CHECKPOINT_SIGNING_KEY' | 'dev key file';
}

/** PEM from an environment variable, where newlines are often written as `\n`. */
function pem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/** `.data/dev-checkpoint-key.pem`: next to the embedded PostgreSQL data folder, like the dev JWT secret. */
export function devCheckpointKeyPath(config: Pick<AppConfig, 'EMBEDDED_PG_DIR'>): string {
  return join(dirname(resolve(config.EMBEDDED_PG_DIR)), 'dev-checkpoint-key.pem');
}

function readDevKey(config: AppConfig): string | undefined {
  const path = devCheckpointKeyPath(config);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** Reads the development key, generating it (Ed25519, PKCS#8 PEM, mode 0600) the first time. */
function devKey(config: AppConfig): string {
  const path = devCheckpointKeyPath(config);
  mkdirSync(dirname(path), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

function ed25519PrivateKey(text: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem(text));
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A CHECKPOINT_SIGNING_KEY that is set must be an Ed25519 private key (checked by loadConfig for every process). */
export function checkpointKeyProblems(config: AppConfig): string[] {
  const given = config.CHECKPOINT_SIGNING_KEY;
  if (given === undefined || ed25519PrivateKey(given)) return [];
  return [
    'CHECKPOINT_SIGNING_KEY must be an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519)',
  ];
}

/**
 * The signing key, or (outside production) the development key file, created on first use. Only the api signs, so
 * only the api calls this: with NODE_ENV=production and no real key it throws ConfigError and the api does not start.
 */
export function resolveCheckpointKeys(config: AppConfig): CheckpointKeys {
  const fromConfig = config.CHECKPOINT_SIGNING_KEY;
  if (config.NODE_ENV === 'production') {
    if (fromConfig === undefined) {
      throw new ConfigError([
        'NODE_ENV=production needs CHECKPOINT_SIGNING_KEY, the Ed25519 key that signs the audit checkpoints ' +
          '(openssl genpkey -algorithm ed25519)',
      ]);
    }
    const dev = readDevKey(config);
    if (dev !== undefined && pem(fromConfig).trim() === dev) {
      throw new ConfigError([
        'CHECKPOINT_SIGNING_KEY is the generated development key: NODE_ENV=production needs a real one',
      ]);
    }
  }
  const privateKey = ed25519PrivateKey(fromConfig ?? devKey(config));
  if (!privateKey) throw new ConfigError(checkpointKeyProblems(config));
  return {
    privateKey,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    source: fromConfig !== undefined ? 'CHECKPOINT_SIGNING_KEY' : 'dev key file',
  };
}
