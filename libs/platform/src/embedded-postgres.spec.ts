import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Joining a running embedded server trusts its postmaster.pid only as far as the server confirms it: these cases
 * never start a server (the process spec test/process/cli-embedded-server.spec.ts covers joining and starting).
 */
describe('startEmbeddedPostgres joining the server of a data folder', () => {
  const testServer = new URL(
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  );

  /** A data folder whose postmaster.pid names a live process (this one) and the given port. */
  const folderClaiming = (port: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-join-'));
    writeFileSync(
      join(dir, 'postmaster.pid'),
      `${process.pid}\n${dir}\n1796242979\n${port}\n/tmp\n127.0.0.1\n  1  2\nready   \n`,
    );
    return dir;
  };

  const databases = async () => {
    const client = new Client({ connectionString: testServer.toString() });
    await client.connect();
    try {
      return (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map(
        (r) => r.datname,
      );
    } finally {
      await client.end();
    }
  };

  it('refuses a server that serves another folder (a reused process id), before creating anything on it', async () => {
    const before = await databases();
    const dir = folderClaiming(Number(testServer.port));
    await expect(startEmbeddedPostgres({ dataDir: dir })).rejects.toThrow(
      new RegExp(`the server there serves .+, not ${dir}: the file is stale`),
    );
    // The database a join creates (tally_ledger) is not there unless it was: other suites create and drop their own
    // databases on the same server meanwhile, so the whole list may differ.
    expect((await databases()).includes('tally_ledger')).toBe(before.includes('tally_ledger'));
  });

  it('names the file and the port when nothing answers where it points', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const dir = folderClaiming(port);
    await expect(startEmbeddedPostgres({ dataDir: dir, port: 1 })).rejects.toThrow(
      new RegExp(
        `${dir}/postmaster.pid names a live process \\(pid ${process.pid}\\) on port ${port}, but connecting there failed`,
      ),
    );
  });
});
