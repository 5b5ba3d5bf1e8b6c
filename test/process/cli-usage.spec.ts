import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY } from '../support/cli';

const ROOT = join(__dirname, '../..');
// Each case starts node with ts-node, which is slow on a busy machine.
jest.setTimeout(120_000);

/** `npm run cli -- …` without npm: the same ts-node entry, against an api address where nothing listens. */
function cli(...args: string[]) {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, [...CLI_ENTRY, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TALLY_API_URL: 'http://127.0.0.1:9', TALLY_TOKEN: '', ...env },
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('the command line: help and usage errors', () => {
  it.each([['simulate', '--election', 'hn-2021', '--help'], ['verify', '-h'], ['--help']])(
    '%s … --help prints the usage and does nothing else (exit 0)',
    (...args) => {
      const run = cli(...args);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('Tally Ledger command line');
      expect(run.stderr).not.toMatch(/Simulation|INTACT|TAMPERED|fetch failed/);
    },
  );

  it('an unknown option is a usage error (exit 2) that names it', () => {
    const run = cli('verify', '--speeed', '60');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--speeed'");
    expect(run.stderr).toContain('Tally Ledger command line');
  });

  it('an unknown command is a usage error (exit 2); no command prints the usage (exit 0)', () => {
    expect(cli('nope').status).toBe(2);
    const none = cli();
    expect([none.status, none.stderr.includes('Tally Ledger command line')]).toEqual([0, true]);
  });

  it('verify-export of a file that cannot be read says so (exit 2), not "tampered" (exit 1)', () => {
    const missing = join(tmpdir(), `no-such-export-${process.pid}.ndjson`);
    const run = cli('verify-export', missing);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot read ${missing}`);
    expect(run.stderr).not.toMatch(/TAMPERED|MALFORMED|INTACT/);
  });

  it('simulate --double-entry without a key to mint the officials with says where it looked (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-usage-'));
    try {
      const env = {
        EMBEDDED_PG_DIR: join(dir, 'pg'),
        JWT_SECRET: '',
        JWT_PRIVATE_KEY: '',
        JWT_PUBLIC_KEY: '',
      };
      const none = cliWith(env, 'simulate', '--double-entry', '--election', 'x');
      expect(none.status).toBe(2);
      expect(none.stderr).toContain(`looked for at ${join(dir, 'dev-jwt-secret')}`);
      const shared = cliWith({ ...env, TALLY_TOKEN: 'some-token' }, 'simulate', '--double-entry');
      expect([shared.status, shared.stderr.trim()]).toEqual([
        2,
        '--double-entry mints two officials per district itself: unset TALLY_TOKEN',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
