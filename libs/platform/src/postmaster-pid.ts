import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What a running PostgreSQL server writes to `postmaster.pid` in its data directory, one item a line (PostgreSQL
 * documentation, "Database File Layout"): the postmaster's process id, the data directory, the start time (Unix
 * seconds), the port, the Unix-socket directory (may be empty), the first listen address (an IP, `*`, a host name,
 * or empty when TCP is off), the shared-memory key, and the server's status (`starting`, `ready`, `stopping`, …).
 */
export interface PostmasterPid {
  pid: number;
  dataDir: string;
  startedAt: number;
  port: number;
  socketDir: string;
  listenAddress: string;
  status: string;
}

/** The file's items, or undefined when it is not a postmaster.pid (too short, no pid or port). */
export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    return undefined;
  return {
    pid,
    dataDir: lines[1] ?? '',
    startedAt: Number(lines[2]),
    port,
    socketDir: (lines[4] ?? '').trim(),
    listenAddress: (lines[5] ?? '').trim(),
    status: (lines[7] ?? '').trim(),
  };
}

/** True while a process with this id exists, also when it belongs to another user (EPERM). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The server that runs on this data directory according to its postmaster.pid; undefined when there is no such file
 * or its process is gone (a stale file, left by a server that was killed: never trusted).
 */
export function readRunningServer(dataDir: string): PostmasterPid | undefined {
  const file = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // Removed between the check and the read: the server has just stopped.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `Cannot read ${file} (${(error as Error).message}): which server runs on ${dataDir} is unknown`,
    );
  }
  const parsed = parsePostmasterPid(text);
  return parsed && processExists(parsed.pid) ? parsed : undefined;
}

/** Where to reach the server: loopback for a wildcard or local listen address, its socket when TCP is off. */
export function serverHost(server: Pick<PostmasterPid, 'listenAddress' | 'socketDir'>): string {
  const address = server.listenAddress;
  if (address === '' && server.socketDir !== '') return server.socketDir;
  if (address === '' || address === '*' || address === '0.0.0.0' || address === 'localhost')
    return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}
