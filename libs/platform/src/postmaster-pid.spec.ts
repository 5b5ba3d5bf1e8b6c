import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePostmasterPid, processExists, readRunningServer, serverHost } from './postmaster-pid';

/** A postmaster.pid as PostgreSQL 18 writes it (taken from the embedded server). */
const written = (pid: number, port: number, dataDir = '/srv/app/.data/postgres') =>
  `${pid}\n${dataDir}\n1796242979\n${port}\n/tmp\nlocalhost\n  2218476    393247\nready   \n`;

const folderWith = (text: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-pidfile-'));
  writeFileSync(join(dir, 'postmaster.pid'), text);
  return dir;
};

/** A process id that existed and is gone. */
const gonePid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('postmaster.pid', () => {
  it('reads every documented line: pid, data dir, start time, port, socket dir, listen address, status', () => {
    expect(parsePostmasterPid(written(23361, 55001))).toEqual({
      pid: 23361,
      dataDir: '/srv/app/.data/postgres',
      startedAt: 1796242979,
      port: 55001,
      socketDir: '/tmp',
      listenAddress: 'localhost',
      status: 'ready',
    });
  });

  it('is not a postmaster.pid without a pid or a port', () => {
    expect(parsePostmasterPid('')).toBeUndefined();
    expect(parsePostmasterPid('23361\n/srv/x\n')).toBeUndefined();
    expect(parsePostmasterPid('abc\n/srv/x\n1\n5432\n')).toBeUndefined();
    expect(parsePostmasterPid('23361\n/srv/x\n1\n99999\n')).toBeUndefined();
  });

  it('a file whose process is gone is stale and not trusted', () => {
    expect(readRunningServer(folderWith(written(gonePid(), 55001)))).toBeUndefined();
  });

  it('a file whose process runs names the running server', () => {
    expect(readRunningServer(folderWith(written(process.pid, 55001)))).toMatchObject({
      pid: process.pid,
      port: 55001,
    });
  });

  it('no file: no server', () => {
    expect(readRunningServer(mkdtempSync(join(tmpdir(), 'tally-pidfile-')))).toBeUndefined();
  });

  it('a process of another user counts as running (kill(pid, 0) answers EPERM for it)', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    });
    try {
      expect(processExists(12345)).toBe(true);
    } finally {
      kill.mockRestore();
    }
    expect(processExists(gonePid())).toBe(false);
  });

  it('reaches a wildcard or local listen address on loopback, a specific one as written, the socket without TCP', () => {
    const host = (listenAddress: string, socketDir = '/tmp') => serverHost({ listenAddress, socketDir });
    expect(host('localhost')).toBe('127.0.0.1');
    expect(host('*')).toBe('127.0.0.1');
    expect(host('0.0.0.0')).toBe('127.0.0.1');
    expect(host('::')).toBe('::1');
    expect(host('10.0.0.7')).toBe('10.0.0.7');
    expect(host('', '/var/run/postgresql')).toBe('/var/run/postgresql');
  });
});
