import { fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@tally/platform';
import { Client } from 'pg';
import { runSimulation } from '../../apps/cli/src/simulate/simulator';
import { freePort } from '../support/api-process';
import { generateVietnam2021 } from '../../apps/cli/src/sample/vietnam-2021';
import { startBuiltApiWithHanoi } from './bench-config';

const VIEWERS = (process.env.BENCH_VIEWERS ?? '500,2000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SHEETS = Number(process.env.BENCH_VIEWERS_SHEETS ?? 3000);
const RATE = Number(process.env.BENCH_VIEWERS_RATE ?? 100);
/** `BENCH_LIVE_CONTEST=na`: the viewers follow `?contest=na` (one contest's stream) instead of the whole view. */
const CONTEST = process.env.BENCH_LIVE_CONTEST;

interface Measured {
  lags: { p50: number; p95: number; p99: number; max: number };
  mbPerViewerMinute: { median: number; max: number };
  updatesPerViewer: number;
  snapshotsAfterStart: number;
  viewersEnded: number;
  viewersMissingUpdates: number;
}

/**
 * The press and the public at once: N viewers (a separate process) follow GET /elections/hn-2021/live while the
 * simulator pushes Hanoi sheets at RATE/s through the api: the built api as a process of its own with the
 * projections inline (the default deployment), as production runs it. Per viewer count: ingest reached, lag from
 * each 201 to the update covering it at every viewer, bytes per viewer per minute.
 */
export async function benchLiveViewers(
  databaseUrl: (viewers: number) => Promise<string>,
  report: (name: string, value: string) => void,
): Promise<void> {
  for (const viewers of VIEWERS) {
    const { api, base, token, definition, live } = await startBuiltApiWithHanoi(
      await databaseUrl(viewers),
      process.env.BENCH_LIVE_SAMPLE === 'vietnam-2021' ? generateVietnam2021 : undefined,
    );
    const child = fork(
      join(__dirname, 'sse-viewers.js'),
      [
        `${base}/elections/${definition.electionId}/live${CONTEST ? `?contest=${encodeURIComponent(CONTEST)}` : ''}`,
        String(viewers),
      ],
      {
        stdio: 'inherit',
      },
    );
    const next = <T>(type: string) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (m: { type: string } & T) => {
          if (m.type !== type) return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        child.once('exit', (code) => reject(new Error(`the viewers process exited (${code})`)));
      });
    try {
      child.send({ type: 'connect' });
      const connected = await next<{ ms: number; snapshotBytes: number }>('connected');
      const from = Date.now();
      const created: Array<[number, number]> = [];
      const result = await runSimulation({
        api: base,
        token,
        electionId: definition.electionId,
        speed: 1e9,
        rate: RATE,
        seed: 'bench',
        concurrency: 64,
        kinds: ['sheet'],
        limit: SHEETS,
        log: () => undefined,
        progressMs: 0,
        onCreated: (_, position) => created.push([position, Date.now()]),
      });
      created.sort((a, b) => a[0] - b[0]);
      const last = created[created.length - 1][0];
      child.send({ type: 'measure', created, last, from });
      const m = await next<Measured>('measured');
      const stats = await live();
      const label = `live fan-out, ${viewers} viewers${CONTEST ? ` of ?contest=${CONTEST}` : ''}`;
      report(
        `${label}: ingest (target ${RATE}/s)`,
        `${created.length} sheets in ${result.seconds.toFixed(1)} s = ${(created.length / result.seconds).toFixed(1)}/s (viewers connected in ${connected.ms} ms, snapshot ${(connected.snapshotBytes / 1e6).toFixed(2)} MB)`,
      );
      report(
        `${label}: lag 201 → update at every viewer`,
        `p50 ${m.lags.p50} ms, p95 ${m.lags.p95} ms, p99 ${m.lags.p99} ms, max ${m.lags.max} ms`,
      );
      report(
        `${label}: received per viewer`,
        `${m.mbPerViewerMinute.median.toFixed(2)} MB/min (max ${m.mbPerViewerMinute.max.toFixed(2)}), ${m.updatesPerViewer} updates; ${stats.updates} updates computed for all`,
      );
      report(
        `${label}: slow viewers`,
        `${stats.viewersCut} cut, ${m.snapshotsAfterStart} fresh snapshots, ${m.viewersMissingUpdates} missing an update, ${m.viewersEnded} closed`,
      );
    } finally {
      child.kill();
      await api.stop();
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-viewers-bench-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  try {
    console.log(
      `live fan-out (${VIEWERS.join(', ')} viewers in a separate process, ${SHEETS} sheets at ${RATE}/s):`,
    );
    await benchLiveViewers(
      async (viewers) => {
        const admin = new Client({ connectionString: server.url.replace(/\/[^/]*$/, '/postgres') });
        await admin.connect();
        await admin.query(`CREATE DATABASE bench_viewers_${viewers}`);
        await admin.end();
        const url = new URL(server.url);
        url.pathname = `/bench_viewers_${viewers}`;
        return url.toString();
      },
      (name, value) => console.log(`  ${name}: ${value}`),
    );
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
