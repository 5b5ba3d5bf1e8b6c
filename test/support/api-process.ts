import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '@tally/platform';
import { TEST_CHECKPOINT_KEY, TEST_JWT_SECRET, tokenFor } from './tokens';

const ROOT = join(__dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Runs an app's main.ts as its own process, as `npm start` would (ts-node instead of a build); `built`: its
 * `nest build` output in dist/ instead, as production runs it (the benches).
 */
export function spawnApp(app: 'api' | 'projector', env: Record<string, string>, built = false) {
  let output = '';
  // BENCH_PROFILE=dir (the benches): a built app writes its CPU profile there when it exits.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`, `--cpu-prof-name=${app}.cpuprofile`]
    : [];
  const child = spawn(
    process.execPath,
    built
      ? [...profile, `dist/apps/${app}/src/main.js`]
      : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'log',
        JWT_SECRET: TEST_JWT_SECRET,
        CHECKPOINT_SIGNING_KEY: TEST_CHECKPOINT_KEY,
        ...env,
        // The national bench's memory check: e.g. BENCH_PROJECTOR_NODE_OPTIONS=--max-old-space-size=300.
        ...(app === 'projector' && process.env.BENCH_PROJECTOR_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_PROJECTOR_NODE_OPTIONS }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, exited, output: () => output };
}

async function waitUntil(
  what: string,
  app: ReturnType<typeof spawnApp>,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null)
      throw new Error(`${what} exited early (${app.child.exitCode}):\n${app.output()}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  app.child.kill('SIGKILL');
  throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${app.output()}`);
}

/** The api as its own process, once GET /health answers. */
export async function startApiProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
  built = false,
): Promise<ApiProcess> {
  const port = await freePort();
  const app = spawnApp('api', { ...env, PORT: String(port), HOST: '127.0.0.1' }, built);
  const url = `http://127.0.0.1:${port}`;
  const healthy = () =>
    fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
  await waitUntil('api', app, healthy, timeoutMs);
  return { url, ...app };
}

/** The projector as its own process, once it says it has started. */
export async function startProjectorProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
  built = false,
): Promise<Omit<ApiProcess, 'url'>> {
  // Readiness is read from its "Projector started" line (info): a quieter LOG_LEVEL would hide it.
  const quiet = env.LOG_LEVEL === 'warn' || env.LOG_LEVEL === 'error';
  const app = spawnApp('projector', quiet ? { ...env, LOG_LEVEL: 'log' } : env, built);
  await waitUntil('projector', app, async () => app.output().includes('Projector started'), timeoutMs);
  return app;
}

let cityAdminToken: Promise<string> | undefined;

/** A city-admin token for a process started with the test secret (the default of startApiProcess). */
export function processAdminToken(): Promise<string> {
  cityAdminToken ??= tokenFor(loadConfig({ JWT_SECRET: TEST_JWT_SECRET }), {
    role: 'admin',
    sub: 'city-admin',
  });
  return cityAdminToken;
}

/** A request with a city-admin token, unless `headers.authorization` is given (`''` sends none). */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const { authorization = `Bearer ${await processAdminToken()}`, ...rest } = headers;
  const sent = authorization === '' ? rest : { ...rest, authorization };
  const response = await fetch(url, {
    method,
    headers: body === undefined ? sent : { 'content-type': 'application/json', ...sent },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
