import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp } from '../support/api-process';

/**
 * Run as root, the embedded PostgreSQL runs as the `postgres` account. A clone inside a `mktemp -d` folder (mode 700)
 * is out of its reach: the api and the projector refuse to start with one line that names the folder and what to do,
 * not a bare EACCES from deep inside the package (which crashed the process and left a password file in /tmp).
 */
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;
jest.setTimeout(120_000);

asRoot('npm start as root, the data folder behind a folder closed to others', () => {
  let closed: string;
  beforeAll(() => {
    closed = mkdtempSync(join(tmpdir(), 'closed-'));
    mkdirSync(join(closed, 'clone'));
    chmodSync(closed, 0o700);
  });
  afterAll(() => rmSync(closed, { recursive: true, force: true }));

  it.each(['api', 'projector'] as const)(
    'the %s exits 1 with the closed folder and the way out',
    async (app) => {
      const dataDir = join(closed, 'clone', '.data', 'postgres');
      const started = spawnApp(app, { DATABASE_URL: '', EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: '' });
      expect(await started.exited).toBe(1);
      const output = started.output();
      expect(output).toContain(`the system user "postgres", which may not enter ${closed} (drwx------`);
      expect(output).toContain(`chmod o+x ${closed}`);
      expect(output).not.toMatch(/EACCES|\n\s+at /);
      // Nothing was initialised: the folder the server would own was never made.
      expect(existsSync(dataDir)).toBe(false);
    },
  );
});
