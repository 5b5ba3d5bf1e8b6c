import { readFileSync, writeFileSync } from 'node:fs';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { startEmbeddedPostgres } from '@tally/platform';
import { Client } from 'pg';
import { generateTallies } from '../../apps/cli/src/sample/tally-generator';
import { generateVietnam2021 } from '../../apps/cli/src/sample/vietnam-2021';
import { hashString } from '../../apps/cli/src/sample/seeded-random';
import { freePort, processAdminToken, startApiProcess, startProjectorProcess } from '../support/api-process';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens';
import { loadConfig } from '@tally/platform';
import { defineElection, percentile } from './bench-config';
import { buildApps, cpuMillis, postgresCpuMillis } from './processes';
import { JsonPoster } from './http-post';
import { benchTimeTravelPressure } from './time-travel-pressure';
import { printStatements, resetStatements, STATEMENTS } from './statements';

const LIMIT = Number(process.env.BENCH_NATION_SHEETS ?? Number.POSITIVE_INFINITY);
const CLIENTS = Number(process.env.BENCH_NATION_CLIENTS ?? 64);

const officialToken = (sub: string) =>
  tokenFor(loadConfig({ JWT_SECRET: TEST_JWT_SECRET }), { role: 'admin', sub });

/** Resident memory of a process (Linux), in MB: its peak (VmHWM) or now (VmRSS). */
function rssMb(pid: number | undefined, which: 'VmHWM' | 'VmRSS' = 'VmHWM'): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`${which}:\\s+(\\d+) kB`).exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/**
 * A national night: the vietnam-2021 sample (63 provinces, 85,000 polling areas, 4 contests: ~326,000 sheets)
 * submitted over HTTP by CLIENTS concurrent clients to the api as its own process, with the projections in
 * apps/projector, as production runs them. Prints the time to ingest and to project everything, events/s, peak RSS
 * of both processes, and the read-model queries at the end with their PostgreSQL plans.
 */
export async function benchNational(
  databaseUrl: string,
  report: (name: string, value: string) => void,
  /** The embedded server's data folder: its CPU is counted too. */
  pgDataDir?: string,
): Promise<void> {
  const env = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    READ_WAIT_TIMEOUT_MS: '60000',
  };
  // As production runs them: built (dist/), the api with PROJECTIONS=off beside a projector process.
  buildApps(['api', 'projector']);
  const api = await startApiProcess({ ...env, PROJECTIONS: 'off' }, 90_000, true);
  const projector = await startProjectorProcess(env, 90_000, true);
  const authorization = `Bearer ${await processAdminToken()}`;
  try {
    const definition = generateVietnam2021();
    const body = JSON.stringify(definition);
    const defined = await timed(() => defineElection(api.url, authorization, body));
    report(
      `national night: define vietnam-2021 (${(body.length / 1e6).toFixed(1)} MB: 85,000 areas, 12,579 units)`,
      `${(defined.ms / 1000).toFixed(1)} s`,
    );

    // Once the projector has laid the definition out (its first batch), before any sheet.
    const laidOut = await fetch(`${api.url}/elections/${definition.electionId}/results/city?minPosition=0`);
    await laidOut.arrayBuffer();
    const afterDefinition = {
      api: rssMb(api.child.pid, 'VmRSS'),
      projector: rssMb(projector.child.pid, 'VmRSS'),
    };
    // Polling areas report in an order of their own, each its contests one after another, as a night brings them.
    const sheets = generateTallies(definition, { seed: 'national' })
      .map((sheet) => ({ sheet, key: hashString(sheet.pollingAreaId) }))
      .sort((a, b) => a.key - b.key || a.sheet.pollingAreaId.localeCompare(b.sheet.pollingAreaId))
      .map(({ sheet }) => sheet)
      .slice(0, LIMIT);
    const latencies: number[] = [];
    let next = 0;
    let done = 0;
    let lastPosition = -1;
    if (STATEMENTS) await resetStatements(databaseUrl);
    const cpu = () => [
      cpuMillis(api),
      cpuMillis(projector),
      pgDataDir ? postgresCpuMillis(pgDataDir) : undefined,
    ];
    const cpuBefore = cpu();
    const clientsBefore = process.cpuUsage();
    const started = performance.now();
    const progress = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      process.stderr.write(
        `  … ${done.toLocaleString('en')} / ${sheets.length.toLocaleString('en')} sheets, ${(done / s).toFixed(0)}/s\n`,
      );
    }, 15_000);
    const poster = new JsonPoster(api.url, CLIENTS);
    // One token per client, as each district's official has one (the throttler keeps a budget per subject).
    const officials = await Promise.all(
      Array.from({ length: CLIENTS }, (_, index) => officialToken(`bench-official-${index}`)),
    );
    const client = async (_: unknown, index: number) => {
      const official = `Bearer ${officials[index]}`;
      while (next < sheets.length) {
        const sheet = sheets[next++];
        const t = performance.now();
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
        if (response.status !== 201) throw new Error(`submission: ${response.status} ${response.body}`);
        latencies.push(performance.now() - t);
        lastPosition = Math.max(lastPosition, (JSON.parse(response.body) as { position: number }).position);
        done += 1;
      }
    };
    try {
      await Promise.all(Array.from({ length: CLIENTS }, client));
    } finally {
      clearInterval(progress);
      poster.close();
    }
    const ingested = (performance.now() - started) / 1000;
    const caught = await fetch(
      `${api.url}/elections/${definition.electionId}/results/city?minPosition=${lastPosition}`,
    );
    if (caught.status !== 200) throw new Error(`the projections did not catch up: ${caught.status}`);
    await caught.arrayBuffer();
    const projected = (performance.now() - started) / 1000;
    const cpuAfter = cpu();
    const clientsCpu = process.cpuUsage(clientsBefore);
    const perSheet = cpuAfter.map((after, i) => {
      const before = cpuBefore[i];
      return after === undefined || before === undefined
        ? 'n/a'
        : `${((after - before) / sheets.length).toFixed(2)} ms`;
    });
    if (STATEMENTS) await printStatements(databaseUrl, sheets.length);
    latencies.sort((a, b) => a - b);
    report(
      `national night: ${sheets.length.toLocaleString('en')} sheets over HTTP, ${CLIENTS} clients`,
      `ingested in ${ingested.toFixed(0)} s (${(sheets.length / ingested).toFixed(0)} sheets/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms); projected ${(projected - ingested).toFixed(1)} s later`,
    );
    report(
      'national night: the whole night ingested and projected',
      `${(projected / 60).toFixed(1)} min = ${((lastPosition + 1) / projected).toFixed(0)} events/s`,
    );
    report(
      'national night: CPU per sheet, api / projector / PostgreSQL / the bench’s clients',
      `${perSheet.join(' / ')} / ${((clientsCpu.user + clientsCpu.system) / 1000 / sheets.length).toFixed(2)} ms`,
    );
    report(
      'national night: peak RSS',
      `api ${rssMb(api.child.pid) ?? '?'} MB, projector ${rssMb(projector.child.pid) ?? '?'} MB`,
    );
    report(
      'national night: RSS after the definition / at the end',
      `api ${afterDefinition.api ?? '?'} / ${rssMb(api.child.pid, 'VmRSS') ?? '?'} MB, projector ${afterDefinition.projector ?? '?'} / ${rssMb(projector.child.pid, 'VmRSS') ?? '?'} MB`,
    );

    // The queries at the end, as the public and the auditors ask them (best of 3, after one warm-up).
    const e = `${api.url}/elections/${definition.electionId}`;
    const mid = Math.floor(lastPosition / 2);
    const queries: Array<[string, string]> = [
      ['city results', `${e}/results/city`],
      ['city results, National Assembly only', `${e}/results/city?contest=na`],
      ['one province (Thanh Hóa)', `${e}/results/districts/thanh-hoa`],
      ['all provinces', `${e}/results/districts`],
      ['turnout', `${e}/turnout`],
      ['time travel: one province at mid-night', `${e}/results/districts/thanh-hoa?atPosition=${mid}`],
      ['time travel: city at mid-night', `${e}/results/city?atPosition=${mid}`],
      // An auditor stepping forward: folds on from the fold kept at mid-night (TIME_TRAVEL_FOLDS_KEPT).
      [
        'time travel: city three quarters through the night',
        `${e}/results/city?atPosition=${Math.floor((lastPosition * 3) / 4)}`,
      ],
    ];
    // BENCH_PROFILE: each query's time window, on the monotonic clock in µs like the profiles' timestamps.
    const windows: Record<string, { startUs: number; endUs: number }> = {};
    const nowUs = () => Number(process.hrtime.bigint() / 1000n);
    const ask = async (asked: Array<[string, string]>, suffix = '') => {
      for (const [name, url] of asked) {
        const startUs = nowUs();
        const runs: number[] = [];
        let bytes = 0;
        let status = 0;
        for (let i = 0; i < 4; i++) {
          const r = await timed(async () => {
            const response = await fetch(url);
            status = response.status;
            return (await response.arrayBuffer()).byteLength;
          });
          bytes = r.value;
          runs.push(r.ms);
        }
        // The first request of each is cold (time travel: nothing kept at that position); then the best of three.
        const [first, ...again] = runs;
        again.sort((a, b) => a - b);
        report(
          `national night query: ${name}${suffix}`,
          status === 200
            ? `first ${first.toFixed(0)} ms, then ${again[0].toFixed(0)} ms (worst ${again[again.length - 1].toFixed(0)} ms), ${(bytes / 1e6).toFixed(2)} MB`
            : `HTTP ${status}`,
        );
        windows[`${name}${suffix}`] = { startUs, endUs: nowUs() };
      }
    };
    await ask(queries);
    if (process.env.BENCH_PROFILE)
      writeFileSync(
        join(process.env.BENCH_PROFILE, 'national-queries-windows.json'),
        JSON.stringify(windows),
      );
    await explain(databaseUrl, definition.electionId, report);

    // The planned peak of submissions while the public asks time travel of the national log: this api (the default
    // bound on folds), then another one on the same database with no real bound.
    const token = await processAdminToken();
    await benchTimeTravelPressure(
      'the default (folds in a worker thread, 1 at once, 8 waiting)',
      api.url,
      token,
      definition.electionId,
      lastPosition,
      'hn-2021-peak-bounded',
      2021,
      report,
    );
    // The same, side by side, with the folds on the api's own thread (TIME_TRAVEL_FOLDS_THREAD=main): another api
    // process on the same database, nothing kept yet.
    const mainThread = await startApiProcess(
      { ...env, PROJECTIONS: 'off', TIME_TRAVEL_FOLDS_THREAD: 'main' },
      90_000,
      true,
    );
    try {
      const travelOn = (url: string) => url.replace(api.url, mainThread.url);
      await ask(
        queries
          .filter(([name]) => name.startsWith('time travel'))
          .map(([name, url]) => [name, travelOn(url)]),
        ', folds on the api thread',
      );
      await benchTimeTravelPressure(
        'folds on the api thread (1 at once, 8 waiting)',
        mainThread.url,
        token,
        definition.electionId,
        lastPosition,
        'hn-2021-peak-main-thread',
        2021,
        report,
      );
    } finally {
      mainThread.child.kill('SIGTERM');
      await mainThread.exited;
    }
    const unbounded = await startApiProcess(
      { ...env, PROJECTIONS: 'off', TIME_TRAVEL_FOLDS_AT_ONCE: '16', TIME_TRAVEL_FOLDS_WAITING: '1000' },
      90_000,
      true,
    );
    try {
      await benchTimeTravelPressure(
        'no real bound (16 folds at once in the worker thread)',
        unbounded.url,
        token,
        definition.electionId,
        lastPosition,
        'hn-2021-peak-unbounded',
        2021,
        report,
      );
    } finally {
      unbounded.child.kill('SIGTERM');
      await unbounded.exited;
    }
  } finally {
    api.child.kill('SIGTERM');
    projector.child.kill('SIGTERM');
    await Promise.all([api.exited, projector.exited]);
  }
}

/** The read-model statements behind the results, with the plan PostgreSQL chose and its execution time. */
async function explain(
  databaseUrl: string,
  electionId: string,
  report: (name: string, value: string) => void,
) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const statements: Array<[string, string, unknown[]]> = [
      [
        'district rows of one province',
        'SELECT * FROM rm_district_results WHERE election_id = $1 AND district_id = $2',
        [electionId, 'thanh-hoa'],
      ],
      ['unit rows of the election', 'SELECT * FROM rm_unit_results WHERE election_id = $1', [electionId]],
      [
        'events of the election up to a position (time travel reads these)',
        "SELECT position FROM es_events WHERE position <= (SELECT max(position) / 2 FROM es_events) AND stream_id LIKE 'tally-' || $1 || '.%' ORDER BY position",
        [electionId],
      ],
      [
        'the position of an instant (time travel by asOf)',
        'SELECT max(position) FROM es_events WHERE recorded_at <= now()',
        [],
      ],
    ];
    for (const [name, sql, params] of statements) {
      try {
        const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
        const plan = (
          rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown>; 'Execution Time': number }>
        )[0];
        const node = plan.Plan;
        const scan = `${String(node['Node Type'])}${node['Index Name'] ? ` on ${String(node['Index Name'])}` : ''}`;
        report(
          `national night EXPLAIN: ${name}`,
          `${scan}, ${plan['Execution Time'].toFixed(1)} ms, ${String(node['Actual Rows'])} rows`,
        );
      } catch (error) {
        report(`national night EXPLAIN: ${name}`, `not run: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-national-bench-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  try {
    const admin = new Client({ connectionString: server.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_national');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/bench_national';
    console.log(`national night (vietnam-2021, ${CLIENTS} clients, api and projector as processes):`);
    await benchNational(url.toString(), (name, value) => console.log(`  ${name}: ${value}`));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
