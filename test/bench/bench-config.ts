import { AppConfig, loadConfig, mintToken, resolveJwtKeys } from '@tally/platform';
import { ElectionDefinition } from '@tally/domain';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { generateHanoi2021 } from '../../apps/cli/src/sample/hanoi-2021';
import { freePort } from '../support/api-process';
import { buildApps, type BenchProcess, startAppProcess, waitUntilReady } from './processes';

/**
 * The api configuration every bench uses: a throw-away JWT secret, a rate limit no client reaches (the bench measures
 * the api, not the throttler), and a city-admin token for the clients.
 */
export async function benchConfig(
  databaseUrl: string,
): Promise<{ config: AppConfig; token: string; officialToken: (index: number) => Promise<string> }> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    READ_WAIT_TIMEOUT_MS: '60000',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const token = await mintToken(
    config,
    resolveJwtKeys(config),
    { sub: 'bench-city-admin', role: 'admin' },
    6 * 3600,
  );
  // One token per submitting client, as each district's official has one: the throttler keeps a budget per subject
  // (and its in-memory storage costs in proportion to the hits of one subject), so one shared token would measure
  // something no election night does.
  const officialToken = (index: number) =>
    mintToken(config, resolveJwtKeys(config), { sub: `bench-official-${index}`, role: 'admin' }, 6 * 3600);
  return { config, token, officialToken };
}

/** The p-th percentile of ascending `sorted` values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * The environment of the api (and projector) as production runs them, with the bench's configuration: its JWT
 * secret, a rate limit no client reaches, and a throw-away key for the audit checkpoints (production refuses to
 * start without one).
 */
export function productionEnv(config: AppConfig, databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    READ_WAIT_TIMEOUT_MS: '60000',
    JWT_SECRET: config.JWT_SECRET ?? '',
    RATE_LIMIT_PER_MINUTE: '1000000',
    CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
}

/** POST /elections of a definition (its JSON) with `authorization` (a city admin's); throws unless 201. */
export async function defineElection(base: string, authorization: string, body: string): Promise<void> {
  const defined = await fetch(`${base}/elections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  });
  if (defined.status !== 201)
    throw new Error(`defining an election failed: ${defined.status} ${await defined.text()}`);
}

/** The live stream's counters of a built api, read from its GET /metrics. */
export interface LiveCounters {
  updates: number;
  viewersCut: number;
}

/**
 * The built api (`nest build api`, from dist/) as a process of its own with the projections inline (the default
 * deployment) and the Hanoi 2021 sample defined through it. BENCH_NO_BUILD=1 reuses dist/.
 */
export async function startBuiltApiWithHanoi(
  databaseUrl: string,
  sample: () => ElectionDefinition = generateHanoi2021,
): Promise<{
  api: BenchProcess;
  base: string;
  token: string;
  definition: ElectionDefinition;
  live(): Promise<LiveCounters>;
}> {
  const { config, token } = await benchConfig(databaseUrl);
  buildApps(['api']);
  const port = await freePort();
  const metricsToken = randomBytes(24).toString('base64url');
  const api = startAppProcess('api', {
    ...productionEnv(config, databaseUrl),
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_TOKEN: metricsToken,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(api, `${base}/health`);
    const definition = sample();
    await defineElection(base, `Bearer ${token}`, JSON.stringify(definition));
    const live = async (): Promise<LiveCounters> => {
      const text = await (
        await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
      ).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      return {
        updates: value('tally_live_updates_computed_total'),
        viewersCut: value('tally_live_viewers_cut_total'),
      };
    };
    return { api, base, token, definition, live };
  } catch (error) {
    await api.stop();
    throw error;
  }
}
