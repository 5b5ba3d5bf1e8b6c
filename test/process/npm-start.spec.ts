import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../support/api-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_CHECKPOINT_KEY, TEST_JWT_SECRET } from '../support/tokens';

const ROOT = join(__dirname, '../..');

/** The processes of a process group still alive (ps), without zombies. */
function groupMembers(pgid: number): string[] {
  const ps = spawnSync('ps', ['-o', 'pid=,stat=,args=', '-g', String(pgid)], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^\d+\s+Z/.test(line));
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Nothing left in the group.
  }
}

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  output: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} within ${timeoutMs} ms. Output:\n${output()}`);
}

/**
 * `npm start` as the README says (it builds with nest and runs the api), stopped as people and process managers stop
 * it: a signal to npm alone (`kill $!`, a supervisor), or Ctrl-C in a terminal (SIGINT to the whole foreground
 * group, which npm and nest forward again). Either way the api shuts down gracefully and nothing is left running: an
 * api left behind would hold the port and the next `npm start` would refuse to start.
 */
describe('npm start, stopped', () => {
  let db: TestDatabase;
  /** Every group started: a test that times out leaves nothing running after the run (the groups are detached). */
  const groups: number[] = [];
  beforeAll(async () => (db = await createTestDatabase('npm_start')));
  afterAll(async () => {
    for (const pgid of groups) killGroup(pgid);
    await db.drop();
  });

  async function npmStart() {
    const port = await freePort();
    let output = '';
    // A group of its own, as a terminal gives a foreground job: the test can signal it whole, and clean it up.
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'log',
        JWT_SECRET: TEST_JWT_SECRET,
        CHECKPOINT_SIGNING_KEY: TEST_CHECKPOINT_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    groups.push(npm.pid!);
    npm.stdout.on('data', (chunk) => (output += String(chunk)));
    npm.stderr.on('data', (chunk) => (output += String(chunk)));
    const url = `http://127.0.0.1:${port}`;
    const answers = () =>
      fetch(`${url}/health`).then(
        () => true,
        () => false,
      );
    await until('the api did not answer', answers, 150_000, () => output);
    return { npm, pgid: npm.pid!, answers, output: () => output };
  }

  async function expectAllStopped(started: Awaited<ReturnType<typeof npmStart>>) {
    try {
      await until(
        'processes of npm start were still running',
        () => groupMembers(started.pgid).length === 0,
        20_000,
        () => [started.output(), ...groupMembers(started.pgid)].join('\n'),
      );
      expect(await started.answers()).toBe(false);
      // The api shut down itself (drained, projections stopped), once: not killed by a repeated signal.
      expect(started.output()).toContain('Stopped');
      expect(started.output().match(/: shutting down/g)).toHaveLength(1);
    } finally {
      killGroup(started.pgid);
    }
  }

  it('a SIGTERM to npm (kill $!, a supervisor) stops the api: nothing is left listening', async () => {
    const started = await npmStart();
    started.npm.kill('SIGTERM');
    await expectAllStopped(started);
  }, 240_000);

  it('Ctrl-C (SIGINT to the whole group, forwarded again by npm and nest) shuts the api down once, gracefully', async () => {
    const started = await npmStart();
    process.kill(-started.pgid, 'SIGINT');
    await expectAllStopped(started);
  }, 240_000);
});
