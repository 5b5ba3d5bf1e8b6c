import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiProcess, freePort, http, startApiProcess } from '../support/api-process';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';
import { CLI_ENTRY } from '../support/cli';

const ROOT = join(__dirname, '../..');
const run = promisify(execFile);
// Every case starts node with ts-node (and some start PostgreSQL), which is slow on a busy machine.
jest.setTimeout(240_000);

/**
 * Issue 9 §2: the CLI works on the embedded server the api really runs on, and says which one.
 *
 * The api runs with `EMBEDDED_PG_PORT=<a non-default port>` on a data folder laid out as the project's
 * (`<checkout>/.data/postgres`); a decoy PostgreSQL with another log listens on the port a CLI would take by
 * default. The decoy must sit on that default port, or a CLI that ignores postmaster.pid would merely fail to connect
 * instead of verifying the wrong log. The real default, 54329, belongs to whoever runs `npm start` on this machine
 * (and a spec that grabbed it would collide with them), so the CLI here is given EMBEDDED_PG_DEFAULT_PORT: the
 * documented setting that moves the default a new embedded server takes without counting as a configured port (it
 * never overrides the port of a server already running on the data folder). What is tested, "no configured port →
 * the running server's port, never the default", does not depend on the default's value (config.spec pins 54329).
 */
describe('the CLI on the embedded server the api runs on', () => {
  const checkout = mkdtempSync(join(tmpdir(), 'tally-cli-server-'));
  // Run as root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folders.
  chmodSync(checkout, 0o755);
  const dataDir = join(checkout, '.data', 'postgres');
  const apiElection = smallElection();
  const decoyElection = smallElection();
  let apiPgPort: number;
  let decoyPort: number;
  let decoy: ApiProcess | undefined;
  let api: ApiProcess | undefined;

  /** `npm run cli -- …` as its own process, with only the embedded settings given here (no DATABASE_URL). */
  async function cli(args: string[], settings: Record<string, string>) {
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_PG_DIR: dataDir, ...settings };
    delete env.DATABASE_URL;
    if (!('EMBEDDED_PG_PORT' in settings)) delete env.EMBEDDED_PG_PORT;
    return run(process.execPath, [...CLI_ENTRY, ...args], { cwd: ROOT, env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  beforeAll(async () => {
    // The decoy: a second checkout's api and embedded server, with a log of its own, on the default port; and the
    // api, as `EMBEDDED_PG_PORT=<port> npm start` in this checkout.
    decoyPort = await freePort();
    apiPgPort = await freePort();
    [decoy, api] = await Promise.all([
      startApiProcess(
        {
          DATABASE_URL: '',
          EMBEDDED_PG_DIR: join(checkout, 'decoy', '.data', 'postgres'),
          EMBEDDED_PG_PORT: String(decoyPort),
        },
        180_000,
      ),
      startApiProcess(
        { DATABASE_URL: '', EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(apiPgPort) },
        180_000,
      ),
    ]);
    for (const [base, election, sheets] of [
      [decoy.url, decoyElection, [naSheet(), secondBaDinhNaSheet()]],
      [api.url, apiElection, [naSheet()]],
    ] as const) {
      expect((await http('POST', `${base}/elections`, election)).status).toBe(201);
      for (const sheet of sheets)
        expect((await http('POST', `${base}/elections/${election.electionId}/tallies`, sheet)).status).toBe(
          201,
        );
    }
  }, 300_000);

  afterAll(async () => {
    for (const app of [api, decoy]) {
      if (app && app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    }
    // Whatever still runs on the api's folder (a CLI killed mid-run) is stopped so nothing outlives the run.
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
      } catch {
        // already gone
      }
    }
    setTimeout(() => rmSync(checkout, { recursive: true, force: true }), 2000).unref();
  });

  it("verify, with no port configured, verifies the api's log (not the decoy's on the default port) and says so", async () => {
    const result = await cli(['verify'], { EMBEDDED_PG_DEFAULT_PORT: String(decoyPort) });
    expect(result.stderr).toContain('INTACT');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`election ${apiElection.electionId}: 2 events`);
    expect(result.stderr).not.toContain(decoyElection.electionId);
    // Before working it names the server, database, data folder, event store and head position.
    const using = result.stderr.split('\n').find((line) => line.startsWith('Using '));
    expect(using).toContain(`127.0.0.1:${apiPgPort}`);
    expect(using).toContain('tally_ledger');
    expect(using).toContain(dataDir);
    expect(using).toMatch(/event store postgres/);
    expect(using).toMatch(/head at position \d+/);
    expect(result.stderr.indexOf(using!)).toBeLessThan(result.stderr.indexOf('INTACT'));
  });

  it('export, verify-read-models and rebuild work on the same server', async () => {
    const file = join(checkout, 'export.ndjson');
    const exported = await cli(['export', file], { EMBEDDED_PG_DEFAULT_PORT: String(decoyPort) });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain(`127.0.0.1:${apiPgPort}`);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.includes(apiElection.electionId))).toBe(true);

    const compared = await cli(['verify-read-models'], { EMBEDDED_PG_DEFAULT_PORT: String(decoyPort) });
    expect(compared.stderr).toContain(`127.0.0.1:${apiPgPort}`);
    expect(compared.stderr).toContain('The read models equal a replay of the log');
    expect(compared.code).toBe(0);

    const rebuilt = await cli(['rebuild', 'results'], { EMBEDDED_PG_DEFAULT_PORT: String(decoyPort) });
    expect(rebuilt.stderr).toContain(`127.0.0.1:${apiPgPort}`);
    expect(rebuilt.stderr).toMatch(/results: swapped in at position \d+/);
    expect(rebuilt.code).toBe(0);
  });

  it('refuses, naming both ports, when EMBEDDED_PG_PORT disagrees with the server running on the data folder', async () => {
    const result = await cli(['verify'], { EMBEDDED_PG_PORT: String(decoyPort) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toContain('INTACT');
    expect(result.stderr).toContain(`EMBEDDED_PG_PORT=${decoyPort}`);
    expect(result.stderr).toContain(`port ${apiPgPort}`);
    expect(result.stderr).toContain(dataDir);
  });

  it('does not trust a stale postmaster.pid: it starts its own server on the folder and verifies its log', async () => {
    api!.child.kill('SIGTERM');
    await api!.exited;
    const pidFile = join(dataDir, 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(false);
    // What a server killed with the machine leaves behind: its pid (now gone) and its port, here the decoy's.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(
      pidFile,
      [
        gone,
        dataDir,
        Math.floor(Date.now() / 1000),
        decoyPort,
        '/tmp',
        'localhost',
        '  1234  5678',
        'ready   ',
        '',
      ].join('\n'),
    );
    chmodSync(pidFile, 0o644);
    const ownPort = await freePort();
    const result = await cli(['verify'], { EMBEDDED_PG_DEFAULT_PORT: String(ownPort) });
    expect(result.stderr).toContain('INTACT');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`election ${apiElection.electionId}: 2 events`);
    expect(result.stderr).not.toContain(decoyElection.electionId);
    expect(result.stderr).toContain(`127.0.0.1:${ownPort}`);
  });
});
