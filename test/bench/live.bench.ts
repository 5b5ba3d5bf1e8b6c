import { percentile, startBuiltApiWithHanoi } from './bench-config';
import { runSimulation } from '../../apps/cli/src/simulate/simulator';
import { SseClient } from '../support/sse-client';

const LIVE_SHEETS = Number(process.env.BENCH_LIVE_SHEETS ?? 3000);
const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 100);

/**
 * How far the live figures trail the api: the simulator pushes Hanoi sheets at LIVE_RATE/s (default 100) while an SSE
 * client follows GET /elections/hn-2021/live; for every 201 the lag is the time until an update with id ≥ its position
 * arrived. The built api runs as a process of its own with the projections inline, as in the default deployment.
 */
export async function benchLiveLag(
  databaseUrl: string,
  report: (name: string, value: string) => void,
): Promise<void> {
  const { api, base, token, definition } = await startBuiltApiWithHanoi(databaseUrl);
  let live: SseClient | null = null;
  try {
    live = await SseClient.connect(`${base}/elections/${definition.electionId}/live`);
    await live.waitFor((m) => m.event === 'snapshot', 60_000);

    const created: Array<{ position: number; at: number }> = [];
    const result = await runSimulation({
      api: base,
      token,
      electionId: definition.electionId,
      speed: 1e9, // every sheet is due at once: --rate paces them
      rate: LIVE_RATE,
      seed: 'bench',
      concurrency: 64,
      kinds: ['sheet'],
      limit: LIVE_SHEETS,
      log: () => undefined,
      progressMs: 0,
      onCreated: (_, position) => created.push({ position, at: Date.now() }),
    });
    const last = Math.max(...created.map((c) => c.position));
    await live.waitFor((m) => m.event === 'update' && Number(m.id) >= last, 60_000);

    const updates = live.messages
      .filter((m) => m.event === 'update')
      .map((m) => ({ id: Number(m.id), at: m.receivedAt }));
    const lags = created.map((c) => updates.find((u) => u.id >= c.position)!.at - c.at).sort((a, b) => a - b);
    report(
      `live stream: sheets pushed by the simulator (target ${LIVE_RATE}/s)`,
      `${created.length} in ${result.seconds.toFixed(1)} s = ${(created.length / result.seconds).toFixed(0)}/s`,
    );
    report('live stream: SSE updates received (coalesced)', `${updates.length}`);
    report(
      'live stream: lag from 201 to the SSE update covering it',
      `p50 ${percentile(lags, 50)} ms, p95 ${percentile(lags, 95)} ms, p99 ${percentile(lags, 99)} ms, max ${lags[lags.length - 1]} ms`,
    );
  } finally {
    live?.close();
    await api.stop();
  }
}
