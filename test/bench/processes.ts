import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface BenchProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** SIGTERM, and resolves once the process exited (it writes its CPU profile, if any, on the way out). */
  stop(): Promise<void>;
}

/**
 * Builds the apps as production ships them (`nest build`, into dist/); BENCH_NO_BUILD=1 reuses the dist/ there is,
 * to iterate quickly. Running from dist matters: under ts-node every EventEmitter.emit goes through node:domain
 * (ts-node loads it), which production does not pay.
 */
export function buildApps(names: Array<'api' | 'projector'>): void {
  if (process.env.BENCH_NO_BUILD === '1') return;
  for (const name of names) {
    // Once per bench run: the parts that start an app several times build it the first time.
    if (built.has(name)) continue;
    const result = spawnSync('npx', ['nest', 'build', name], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`nest build ${name} failed (${result.status})`);
    built.add(name);
  }
}

const built = new Set<string>();

/**
 * Starts one of the apps (`api`, `projector`) from dist/ (see buildApps) as a process of its own, as production
 * runs them. `profileDir`: the process runs with `node --cpu-prof` and writes its profile there when stopped. Its
 * output (at LOG_LEVEL=warn: only problems) is passed through with a prefix.
 */
export function startAppProcess(
  name: 'api' | 'projector',
  env: Record<string, string>,
  profileDir?: string,
  label: string = name,
): BenchProcess {
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) console.log(`    [${label}] ${line}`);
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: label,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves once `url` answers 200, or rejects when the process exits first or `timeoutMs` passes. */
export async function waitUntilReady(process: BenchProcess, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null)
      throw new Error(`${process.name} exited with ${process.child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${process.name} was not ready at ${url} within ${timeoutMs} ms`);
}

/**
 * CPU time (user + system) the process has used so far, in ms, from /proc (Linux); undefined elsewhere. On a shared
 * machine this is steadier than a rate: it counts the work, not the waiting for a core.
 */
export function cpuMillis(process: Pick<BenchProcess, 'child'>): number | undefined {
  try {
    const stat = readFileSync(`/proc/${process.child.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** utime, stime, cutime, cstime of a pid in ms, from /proc (Linux); undefined when it is gone or elsewhere. */
function procTimes(pid: number): [number, number, number, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (index: number) => (Number(fields[index]) * 1000) / 100;
    return [ms(11), ms(12), ms(13), ms(14)];
  } catch {
    return undefined;
  }
}

/**
 * CPU time the PostgreSQL server of `dataDir` has used so far, in ms (Linux; undefined elsewhere): the postmaster
 * with the backends it has reaped (cutime, cstime) plus those still running (the pools' connections).
 */
export function postgresCpuMillis(dataDir: string): number | undefined {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  const own = procTimes(postmaster);
  if (!own) return undefined;
  let total = own[0] + own[1] + own[2] + own[3];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== postmaster) continue; // ppid
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // exited meanwhile: the postmaster's cutime has it once reaped
    }
  }
  return total;
}
