import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bearer, startTestApi } from '../support/api';
import { spawnApp } from '../support/api-process';
import { naSheet, smallElection } from '../support/fixtures';
import { TEST_JWT_SECRET } from '../support/tokens';
import { CLI_ENTRY } from '../support/cli';

const ROOT = join(__dirname, '../..');
const run = promisify(execFile);
// Each case starts node with ts-node, which is slow on a busy machine.
jest.setTimeout(180_000);

/** `npm run cli -- …` without npm: the same ts-node entry. */
function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, [...CLI_ENTRY, ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('the api as a process', () => {
  it('refuses to start in production without a real key, with a clear message', async () => {
    const app = spawnApp('api', { NODE_ENV: 'production', JWT_SECRET: '', JWT_PUBLIC_KEY: '' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('NODE_ENV=production needs a real key');
  });

  it('refuses to start in production without a checkpoint signing key', async () => {
    const app = spawnApp('api', {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-production-secret-of-more-than-32-bytes',
      CHECKPOINT_SIGNING_KEY: '',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('NODE_ENV=production needs CHECKPOINT_SIGNING_KEY');
  });

  it('on a port already taken: exits 1 and says which port, and how to choose another', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const app = spawnApp('api', {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: process.env.TEST_DATABASE_URL!,
      });
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain(`127.0.0.1:${port} is already in use`);
      expect(app.output()).toContain('set PORT');
    } finally {
      taken.close();
    }
  });
});

describe('npm run cli -- token', () => {
  it('prints only a token that the api accepts, signed with the dev secret it generates next to the embedded data', async () => {
    const pgDir = join(mkdtempSync(join(tmpdir(), 'tally-cli-')), 'pg');
    const env = { EMBEDDED_PG_DIR: pgDir, JWT_SECRET: '', NODE_ENV: 'development' };
    const minted = await cli(
      [
        'token',
        '--role',
        'submitter',
        '--sub',
        'officer-17',
        '--district',
        'ba-dinh',
        '--district',
        'tay-ho',
        '--ttl',
        '12h',
      ],
      env,
    );
    expect(minted.code).toBe(0);
    expect(minted.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const secretFile = join(pgDir, '..', 'dev-jwt-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    const api = await startTestApi({ JWT_SECRET: readFileSync(secretFile, 'utf8').trim() });
    try {
      const token = minted.stdout.trim();
      const admin = await api.tokenFor({ role: 'admin' });
      expect((await api.call('POST', '/elections', smallElection('cli-e'), bearer(admin))).status).toBe(201);
      const submitted = await api.call('POST', '/elections/cli-e/tallies', naSheet(), {
        ...bearer(token),
        'x-request-id': 'cli-submit',
      });
      expect(submitted.status).toBe(201);
      const history = await api.call(
        'GET',
        '/elections/cli-e/tallies/ba-dinh-0001/na/history',
        undefined,
        bearer(token),
      );
      expect(history.body.events[0].actor).toEqual({
        id: 'officer-17',
        role: 'submitter',
        districts: ['ba-dinh', 'tay-ho'],
      });
    } finally {
      await api.close();
    }
  });

  it.each([
    [
      ['token', '--role', 'root', '--ttl', '12 hours', '--district', 'Ba Đình'],
      [
        '--role must be one of submitter, admin, auditor',
        '--ttl must be a number with s, m, h or d',
        'is not a district id',
      ],
    ],
  ])('%j exits 2 with clear messages and prints no token', async (args, messages) => {
    const result = await cli(args, { JWT_SECRET: TEST_JWT_SECRET });
    expect([result.code, result.stdout]).toEqual([2, '']);
    for (const message of messages) expect(result.stderr).toContain(message);
  });
});
