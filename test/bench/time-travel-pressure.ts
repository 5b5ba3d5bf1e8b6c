import { performance } from 'node:perf_hooks';
import { runSimulation } from '../../apps/cli/src/simulate/simulator';
import { generateHanoi2021 } from '../../apps/cli/src/sample/hanoi-2021';
import { SeededRandom } from '../../apps/cli/src/sample/seeded-random';
import { defineElection, percentile } from './bench-config';

const PRESSURE_SHEETS = Number(process.env.BENCH_PRESSURE_SHEETS ?? 3000);
const PRESSURE_RATE = Number(process.env.BENCH_PRESSURE_RATE ?? 100);
const PRESSURE_CLIENTS = Number(process.env.BENCH_PRESSURE_CLIENTS ?? 8);

/**
 * Submissions at the planned peak while the public asks time travel of a national log: a Hanoi election defined
 * beside the national one takes PRESSURE_SHEETS sheets at PRESSURE_RATE/s through `apiUrl`, while PRESSURE_CLIENTS
 * anonymous clients each ask `?atPosition=` of positions never asked before (a fold each) of `nationalId`, one
 * after another, with no pause (after a 503 they wait its Retry-After). Reports the ingest reached, how /health answered meanwhile, and how time travel
 * answered (200, or 503 TIME_TRAVEL.BUSY).
 */
export async function benchTimeTravelPressure(
  label: string,
  apiUrl: string,
  token: string,
  nationalId: string,
  lastPosition: number,
  hanoiId: string,
  seed: number,
  report: (name: string, value: string) => void,
): Promise<void> {
  await defineElection(
    apiUrl,
    `Bearer ${token}`,
    JSON.stringify({ ...generateHanoi2021(), electionId: hanoiId }),
  );

  let running = true;
  // The same positions in every run, and for both bounds.
  const random = new SeededRandom(seed);
  const next = () => random.int(0, lastPosition - 1);
  const answered: number[] = [];
  let busy = 0;
  let other = 0;
  const asker = async () => {
    while (running) {
      const t = performance.now();
      const response = await fetch(
        `${apiUrl}/elections/${nationalId}/results/city?contest=na&atPosition=${next()}`,
      );
      await response.arrayBuffer();
      if (response.status === 200) answered.push(performance.now() - t);
      else if (response.status === 503) {
        // As a browser, a press room's script or a CDN would: again after Retry-After.
        busy += 1;
        const after = Number(response.headers.get('retry-after') ?? 1);
        await new Promise((resolve) => setTimeout(resolve, after * 1000));
      } else other += 1;
    }
  };
  const health: number[] = [];
  const prober = async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(`${apiUrl}/health`)).arrayBuffer();
      health.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const askers = Array.from({ length: PRESSURE_CLIENTS }, asker);
  const probing = prober();
  let created = 0;
  let seconds = 0;
  try {
    const result = await runSimulation({
      api: apiUrl,
      token,
      electionId: hanoiId,
      speed: 1e9, // every sheet is due at once: --rate paces them
      rate: PRESSURE_RATE,
      seed: `pressure-${seed}`,
      concurrency: 64,
      kinds: ['sheet'],
      limit: PRESSURE_SHEETS,
      log: () => undefined,
      progressMs: 0,
      onCreated: () => (created += 1),
    });
    seconds = result.seconds;
  } finally {
    running = false;
    await Promise.all([...askers, probing]);
  }
  answered.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  const ms = (sorted: number[], p: number) => (sorted.length ? percentile(sorted, p).toFixed(0) : '-');
  report(
    `time travel under load, ${label}: ingest (target ${PRESSURE_RATE}/s) with ${PRESSURE_CLIENTS} clients asking national positions`,
    `${created} sheets in ${seconds.toFixed(1)} s = ${(created / seconds).toFixed(1)}/s`,
  );
  report(
    `time travel under load, ${label}: GET /health meanwhile`,
    `p50 ${ms(health, 50)} ms, p99 ${ms(health, 99)} ms, max ${ms(health, 100)} ms`,
  );
  report(
    `time travel under load, ${label}: time travel answered`,
    `${answered.length} (p50 ${ms(answered, 50)} ms, max ${ms(answered, 100)} ms), ${busy} refused 503 TIME_TRAVEL.BUSY` +
      (other ? `, ${other} other` : ''),
  );
}
