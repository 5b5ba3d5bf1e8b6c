/**
 * `npm run bench`: figures measured in one run on the embedded default (a fresh embedded PostgreSQL in a temp dir).
 * Prints; asserts nothing. Sizes: BENCH_SHEETS (default 3000, after BENCH_WARM_UP_SHEETS, default 1000), BENCH_CLIENTS (default 16), BENCH_API_INSTANCES (default 1); the live-stream lag:
 * BENCH_LIVE_SHEETS (default 3000) at BENCH_LIVE_RATE sheets/s (default 100); the press-room screen's lag in headless
 * Chromium: BENCH_SCREEN_SHEETS (default 3000) at BENCH_SCREEN_RATE sheets/s (default 100), skipped without Chromium.
 * BENCH_ONLY=store (`npm run bench:store`) runs only the event store part (raw INSERTs, this store and Emmett),
 * BENCH_ONLY=api only the api end to end (api and projector as processes of their own), BENCH_ONLY=live only the
 * live stream and screen, BENCH_ONLY=national only the national night (BENCH_NATION_SHEETS caps its sheets; then
 * BENCH_PRESSURE_SHEETS at BENCH_PRESSURE_RATE/s while BENCH_PRESSURE_CLIENTS clients ask time travel). The api part builds the api and projector first (BENCH_NO_BUILD=1 reuses dist/).
 * BENCH_LIVE_SAMPLE=vietnam-2021: the live fan-out (BENCH_VIEWERS, default 500,2000) on the national sample.
 * BENCH_PROFILE=dir: the api and projector processes run with `node --cpu-prof` and write their profiles
 * (api.cpuprofile, projector.cpuprofile) and the submissions' time window (submissions-window.json) there.
 */
import 'reflect-metadata';
import { EventStore } from '@tally/event-store';
import {
  allProjections,
  createProjectionRunner,
  openEventStore,
  openReadModels,
  startEmbeddedPostgres,
} from '@tally/platform';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../support/api-process';
import { benchConfig, defineElection, percentile, productionEnv } from './bench-config';
import { generateHanoi2021 } from '../../apps/cli/src/sample/hanoi-2021';
import { generateTallies } from '../../apps/cli/src/sample/tally-generator';
import { benchEventStore, storeAppendsPerSecond } from './event-store.bench';
import { buildApps, cpuMillis, postgresCpuMillis, startAppProcess, waitUntilReady } from './processes';
import { JsonPoster } from './http-post';
import { printStatements, resetStatements, STATEMENTS } from './statements';
import { benchAudit } from './audit.bench';
import { benchLiveLag } from './live.bench';
import { benchLiveViewers } from './live-viewers.bench';
import { benchNational } from './national.bench';
import { benchScreenLag } from './screen-lag.bench';
import { CHROMIUM_PATH } from '../support/browser';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 3000);
/**
 * Sheets the api part posts first, measured on their own: a fresh process compiles its hot paths (V8's JIT) and
 * fills its caches on them, as an api does in the first seconds of a night that lasts hours. The store it is
 * compared with is warmed up too (storeAppendsPerSecond).
 */
const WARM_UP_SHEETS = Number(process.env.BENCH_WARM_UP_SHEETS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
/** BENCH_ONLY=store|api|live|national runs that part alone (a full run has all four). */
const ONLY = process.env.BENCH_ONLY;
/** API processes behind the submitting clients (default 1): instances are stateless and scale out. */
const API_INSTANCES = Math.max(1, Number(process.env.BENCH_API_INSTANCES ?? 1));
const part = (name: 'store' | 'api' | 'live' | 'national'): boolean =>
  ONLY === undefined || ONLY === '' || ONLY === name;
const figures: Array<[string, string]> = [];
/** The embedded server's data folder (set in main): its postmaster.pid names the process whose CPU is counted. */
let PG_DIR = '';

function report(name: string, value: string): void {
  figures.push([name, value]);
  console.log(`  ${name}: ${value}`);
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function sumOf(values: Array<number | undefined>): number | undefined {
  return values.some((value) => value === undefined)
    ? undefined
    : values.reduce<number>((sum, value) => sum + (value as number), 0);
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function benchApi(databaseUrl: string, readModelsUrl: string, storeUrl: string): Promise<void> {
  const { config, token, officialToken } = await benchConfig(databaseUrl);
  const authorization = `Bearer ${token}`;
  const officials = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, index) => `Bearer ${await officialToken(index)}`),
  );
  // As production runs it: the api with PROJECTIONS=off, and the projections in a projector process of their own.
  const env = productionEnv(config, databaseUrl);
  const profileDir = process.env.BENCH_PROFILE;
  buildApps(['api', 'projector']);
  const ports = await Promise.all(Array.from({ length: API_INSTANCES }, freePort));
  const apis = ports.map((port, index) =>
    startAppProcess(
      'api',
      { ...env, PORT: String(port), HOST: '127.0.0.1', PROJECTIONS: 'off' },
      profileDir,
      index === 0 ? 'api' : `api-${index + 1}`,
    ),
  );
  const projector = startAppProcess('projector', env, profileDir);
  const bases = ports.map((port) => `http://127.0.0.1:${port}`);
  const base = bases[0] as string;
  try {
    await Promise.all(apis.map((api, index) => waitUntilReady(api, `${bases[index]}/health`)));
    const definition = generateHanoi2021();
    const defineStart = performance.now();
    await defineElection(base, authorization, JSON.stringify(definition));
    report(
      'define the Hanoi sample (4,825 areas, 2 contests) over HTTP',
      `${fmt(performance.now() - defineStart)} ms`,
    );

    const all = generateTallies(definition, { seed: 'bench' });
    const warmUp = all.slice(0, Math.max(0, Math.min(WARM_UP_SHEETS, all.length - SHEETS)));
    const sheets = all.slice(warmUp.length, warmUp.length + SHEETS);
    let lastPosition = -1;
    // Each client talks to one api instance (client-side balancing, as behind a load balancer).
    const posters = bases.map((apiBase) => new JsonPoster(apiBase, CLIENTS));
    /** Posts `list` from CLIENTS concurrent clients; each sheet's latency in ms, sorted. */
    const postAll = async (list: typeof sheets): Promise<number[]> => {
      const latencies: number[] = [];
      let next = 0;
      const client = async (_: unknown, clientIndex: number) => {
        const poster = posters[clientIndex % posters.length] as JsonPoster;
        const official = officials[clientIndex] as string;
        while (next < list.length) {
          const sheet = list[next++];
          const started = performance.now();
          const response = await poster.post(
            `/elections/${definition.electionId}/tallies`,
            JSON.stringify({
              submissionId: randomUUID(),
              pollingAreaId: sheet.pollingAreaId,
              contestId: sheet.contestId,
              ...sheet.counts,
            }),
            { authorization: official },
          );
          if (response.status !== 201)
            throw new Error(`submission failed: ${response.status} ${response.body}`);
          latencies.push(performance.now() - started);
          lastPosition = Math.max(lastPosition, (JSON.parse(response.body) as { position: number }).position);
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
      return latencies.sort((a, b) => a - b);
    };
    /** Resolves once the read models reflect the last sheet accepted. */
    const caughtUp = async (): Promise<void> => {
      const caught = await fetch(
        `${base}/elections/${definition.electionId}/results/city?minPosition=${lastPosition}`,
      );
      if (caught.status !== 200) throw new Error(`read models did not catch up: ${caught.status}`);
      await caught.arrayBuffer();
    };
    if (warmUp.length > 0) {
      const warmUpStart = performance.now();
      const warmUpLatencies = await postAll(warmUp);
      const warmUpSeconds = (performance.now() - warmUpStart) / 1000;
      // The projector done with them too, so that the CPU counted below is the measured sheets' alone.
      await caughtUp();
      report(
        `api warm-up: the fresh process's first ${fmt(warmUp.length)} sheets, not counted below`,
        `${fmt(warmUp.length / warmUpSeconds)} sheets/s, p50 ${fmt(percentile(warmUpLatencies, 50), 1)} ms, p99 ${fmt(percentile(warmUpLatencies, 99), 1)} ms`,
      );
    }
    const start = performance.now();
    const loadStarted = process.hrtime.bigint();
    const cpuOf = (): Array<number | undefined> => [sumOf(apis.map(cpuMillis)), cpuMillis(projector)];
    const cpuBefore = cpuOf();
    const clientsBefore = process.cpuUsage();
    if (STATEMENTS) await resetStatements(databaseUrl);
    const postgresBefore = postgresCpuMillis(PG_DIR);
    const latencies = await postAll(sheets);
    for (const poster of posters) poster.close();
    const postgresAfter = postgresCpuMillis(PG_DIR);
    const seconds = (performance.now() - start) / 1000;
    const cpuAfter = cpuOf();
    const clientsCpu = process.cpuUsage(clientsBefore);
    if (profileDir) {
      // The load's window on the monotonic clock, in µs like a .cpuprofile's timestamps: startup is left out.
      const window = { startUs: Number(loadStarted / 1000n), endUs: Number(process.hrtime.bigint() / 1000n) };
      writeFileSync(join(profileDir, 'submissions-window.json'), JSON.stringify(window));
    }
    report(
      `api submissions (${fmt(sheets.length)} sheets, ${CLIENTS} concurrent clients, ${API_INSTANCES} api process${API_INSTANCES === 1 ? '' : 'es'} and a projector process)`,
      `${fmt(sheets.length / seconds)} sheets/s`,
    );
    // The same number of writers straight on the store, one event to a new stream each, right after.
    const storeRate = await storeAppendsPerSecond(
      storeUrl,
      CLIENTS,
      Math.max(1_000, Math.min(SHEETS, 4_000)),
    );
    report(`event store alone at ${CLIENTS} writers, same server`, `${fmt(storeRate)} appends/s`);
    report(
      'api submissions / store appends at the same concurrency',
      `${(sheets.length / seconds / storeRate).toFixed(2)}×`,
    );
    const msPerSheet = (before: number | undefined, after: number | undefined): number | undefined =>
      before === undefined || after === undefined ? undefined : (after - before) / sheets.length;
    const shown = (ms: number | undefined): string => (ms === undefined ? 'n/a' : `${fmt(ms, 2)} ms`);
    const parties = [
      msPerSheet(cpuBefore[0], cpuAfter[0]),
      msPerSheet(cpuBefore[1], cpuAfter[1]),
      msPerSheet(postgresBefore, postgresAfter),
      (clientsCpu.user + clientsCpu.system) / 1000 / sheets.length,
    ];
    report(
      'CPU per submitted sheet: api process(es) / projector process / PostgreSQL / the bench’s HTTP clients',
      parties.map(shown).join(' / '),
    );
    if (parties.every((ms) => ms !== undefined)) {
      // What the machine allows this path: every core busy, each sheet costing the CPU all four parties spent on it.
      const cores = availableParallelism();
      const perSheetAll = sumOf(parties) as number;
      const ceiling = (cores * 1000) / perSheetAll;
      report(
        `the machine's ceiling for this path: ${cores} cores / ${fmt(perSheetAll, 2)} ms of CPU per sheet in all`,
        `${fmt(ceiling)} sheets/s (${(ceiling / storeRate).toFixed(2)}× the store; half the store needs at most ${fmt((cores * 1000) / (storeRate / 2), 2)} ms per sheet in all); the cores were ${fmt((100 * perSheetAll * sheets.length) / (seconds * 1000 * cores))} % busy`,
      );
    }
    if (STATEMENTS) await printStatements(databaseUrl, sheets.length);
    report(
      'api submission latency p50 / p99',
      `${fmt(percentile(latencies, 50), 1)} ms / ${fmt(percentile(latencies, 99), 1)} ms`,
    );

    const lagStart = performance.now();
    await caughtUp();
    report(
      'lag from the last 201 until the read models reflect it',
      `${fmt(performance.now() - lagStart)} ms`,
    );

    // Projection throughput: replay the whole log into a fresh read-model database.
    const eventStore: EventStore = await openEventStore(config, databaseUrl);
    console.log('\naudit (issue 4) on the same night:');
    await benchAudit(base, definition.electionId, sheets, eventStore, databaseUrl, report, authorization);
    const head = await eventStore.headPosition();
    const events = (await eventStore.readAll({ maxCount: 1_000_000 })).length;
    const dataSource = await openReadModels(readModelsUrl);
    const runner = createProjectionRunner(dataSource, eventStore);
    const replayStart = performance.now();
    await runner.start();
    if (!(await runner.waitForPosition(head, 300_000))) throw new Error('the replay did not finish');
    const replaySeconds = (performance.now() - replayStart) / 1000;
    report(
      `projection replay from position 0 (${fmt(events)} events, ${allProjections().length} projections)`,
      `${fmt(events / replaySeconds)} events/s (${fmt(replaySeconds, 2)} s)`,
    );
    await runner.stop();
    await dataSource.destroy();
    await eventStore.close();
  } finally {
    await Promise.all([...apis.map((api) => api.stop()), projector.stop()]);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-bench-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  console.log(`Tally Ledger bench: embedded PostgreSQL in ${dir}, ${SHEETS} sheets, ${CLIENTS} clients\n`);
  PG_DIR = join(dir, 'pg');
  let server = await startEmbeddedPostgres({ dataDir: PG_DIR, port });
  if (STATEMENTS) {
    // pg_stat_statements loads at server start only: configure it, then restart the server on the same folder.
    const admin = new Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await admin.end();
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir: PG_DIR, port });
  }
  try {
    const serverUrl = server.url.replace(/\/[^/]*$/, '/postgres');
    if (part('store')) {
      console.log(
        'event store (one event to a new stream per append; raw INSERTs, this store, Emmett side by side):',
      );
      const storeFigures = await benchEventStore(
        await createDatabase(serverUrl, 'bench_event_store'),
        (line) => console.log(`  ${line}`),
      );
      for (const [name, value] of Object.entries(storeFigures))
        figures.push([`event store: ${name}`, fmt(value, Number.isInteger(value) ? 0 : 2)]);
    }
    if (part('api')) {
      console.log('\napi end to end (HTTP on loopback, api and projector processes, embedded PostgreSQL):');
      await benchApi(
        await createDatabase(serverUrl, 'bench_api'),
        await createDatabase(serverUrl, 'bench_replay'),
        await createDatabase(serverUrl, 'bench_api_store'),
      );
    }
    if (part('live')) {
      console.log('\nlive stream (GET /elections/{e}/live while the simulator pushes sheets):');
      await benchLiveLag(await createDatabase(serverUrl, 'bench_live'), report);
      await benchLiveViewers((viewers) => createDatabase(serverUrl, `bench_viewers_${viewers}`), report);
      if (existsSync(CHROMIUM_PATH)) {
        console.log('\npress-room screen (headless Chromium at / while the simulator pushes sheets):');
        await benchScreenLag(await createDatabase(serverUrl, 'bench_screen'), report);
      } else {
        console.log(`\npress-room screen: skipped, ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
      }
    }
    if (part('national')) {
      console.log('\nnational night (vietnam-2021 over HTTP, api and projector as processes):');
      await benchNational(await createDatabase(serverUrl, 'bench_national'), report, PG_DIR);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nsummary:');
  for (const [name, value] of figures) console.log(`  ${name}: ${value}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
