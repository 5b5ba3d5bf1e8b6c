import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './api-process';

/** Debian's `nginx` package; `.ci/run` installs it when it is missing. */
export const NGINX_PATH = '/usr/sbin/nginx';

/** The config production runs (docker compose mounts it): the specs run it as it is, on local addresses. */
export const NGINX_CONFIG = join(__dirname, '../../deploy/nginx/nginx.conf');

/**
 * Whether the nginx specs can run. Without nginx they are skipped with a printed reason, except on CI (`CI=true`),
 * where a missing nginx is a failure rather than a silent skip.
 */
export function nginxAvailability(): { available: boolean } {
  if (existsSync(NGINX_PATH)) return { available: true };
  const reason = `${NGINX_PATH} is missing (apt-get install nginx)`;
  if (process.env.CI === 'true') throw new Error(`the nginx specs need nginx on CI: ${reason}`);
  console.warn(`Skipping the nginx specs: ${reason}.`);
  return { available: false };
}

/** Replaces `from` in `text`, which must hold it: a config that changed shape fails the spec instead of passing. */
function replaced(text: string, from: string | RegExp, to: string): string {
  const matches = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!matches) throw new Error(`deploy/nginx/nginx.conf no longer has ${String(from)}`);
  return text.replace(from, to);
}

/**
 * deploy/nginx/nginx.conf with only its addresses and paths made local: the api instances at `upstreams`
 * (host:port, for api-1 and api-2 in order), listening on 127.0.0.1:`port`, the cache under `dir`.
 */
export function localNginxConfig(upstreams: [string, string], port: number, dir: string): string {
  let config = readFileSync(NGINX_CONFIG, 'utf8');
  config = replaced(config, '/var/cache/nginx/tally', join(dir, 'cache'));
  config = replaced(config, /server api-1:3000\b/, `server ${upstreams[0]}`);
  config = replaced(config, /server api-2:3000\b/, `server ${upstreams[1]}`);
  config = replaced(config, /listen 80;/, `listen 127.0.0.1:${port};`);
  // Debian's nginx keeps its logs and temporary files under /var: a user other than root may not write there.
  const local = [
    'access_log',
    'client_body_temp_path',
    'proxy_temp_path',
    'fastcgi_temp_path',
    'uwsgi_temp_path',
    'scgi_temp_path',
  ]
    .map(
      (directive) =>
        `  ${directive} ${join(dir, directive === 'access_log' ? 'logs/access.log' : directive)};`,
    )
    .join('\n');
  return replaced(config, /^http \{$/m, `http {\n${local}`);
}

export interface Nginx {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** A real nginx in the foreground, running localNginxConfig, once it answers on its port. */
export async function startNginx(upstreams: [string, string]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-nginx-'));
  // Run as root, nginx's workers run as nobody: they must be able to write the cache and temp files here.
  chmodSync(dir, 0o777);
  mkdirSync(join(dir, 'logs'), { mode: 0o777 });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), localNginxConfig(upstreams, port, dir));
  let output = '';
  const child: ChildProcess = spawn(
    NGINX_PATH,
    [
      // The error log from the start (as a user that cannot write /var/log/nginx, nginx would complain first).
      '-e',
      join(dir, 'logs/error.log'),
      '-p',
      `${dir}/`,
      '-c',
      join(dir, 'nginx.conf'),
      '-g',
      `daemon off; pid ${join(dir, 'nginx.pid')};`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'logs/error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${output}${errorLog()}`);
    const up = await fetch(`${url}/nginx-is-up`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}:\n${output}${errorLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output + errorLog(),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
