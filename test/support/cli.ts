import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The arguments of `node` that run the command line as `npm run cli` does (ts-node), before the CLI's own. */
export const CLI_ENTRY = [
  '-r',
  'ts-node/register/transpile-only',
  '-r',
  'tsconfig-paths/register',
  'apps/cli/src/main.ts',
] as const;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run cli -- <args>` as its own process (ts-node, as the README runs it) against the database at `databaseUrl`,
 * through the same DATABASE_URL the service reads.
 */
export function runCli(databaseUrl: string, ...args: string[]): CliRun {
  const result = spawnSync(process.execPath, [...CLI_ENTRY, ...args], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like runCli, without blocking this process: for a CLI that calls back into an api served by the spec itself. */
export function runCliAsync(databaseUrl: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [...CLI_ENTRY, ...args],
      {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, DATABASE_URL: databaseUrl },
        encoding: 'utf8',
        timeout: 180_000,
      },
      (error, stdout, stderr) =>
        resolvePromise({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
