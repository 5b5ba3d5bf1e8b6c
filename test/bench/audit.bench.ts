import { EventStore } from '@tally/event-store';
import { allProjections } from '@tally/platform';
import { createReadModelDataSource, ShadowRebuild, verifyLog } from '@tally/read-models';
import { performance } from 'node:perf_hooks';
import type { GeneratedTally } from '../../apps/cli/src/sample/tally-generator';

type Report = (name: string, value: string) => void;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Issue 4 figures on the night the api bench just wrote: some corrections on top, then the full-log verification rate,
 * the rebuild rate, and time-travel query times (the election's events up to a point, folded in memory).
 */
export async function benchAudit(
  base: string,
  electionId: string,
  sheets: GeneratedTally[],
  eventStore: EventStore,
  databaseUrl: string,
  report: Report,
  authorization: string,
): Promise<void> {
  // Corrections: one sheet in a hundred gets two candidates' votes swapped (totals unchanged, rules still hold).
  const middle = await eventStore.headPosition();
  const middleTime = new Date();
  await new Promise((r) => setTimeout(r, 20));
  let corrections = 0;
  for (let i = 0; i < sheets.length; i += 100) {
    const { pollingAreaId, contestId, counts } = sheets[i];
    const entries = Object.entries(counts.candidateVotes);
    const j = entries.findIndex(([, v]) => v !== entries[0][1]);
    if (j < 0) continue;
    const swapped = {
      ...counts.candidateVotes,
      [entries[0][0]]: entries[j][1],
      [entries[j][0]]: entries[0][1],
    };
    const res = await fetch(
      `${base}/elections/${electionId}/tallies/${pollingAreaId}/${contestId}/corrections`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'if-match': '"0"', authorization },
        body: JSON.stringify({ ...counts, candidateVotes: swapped, reason: 'Bench: hoán đổi hai ô phiếu' }),
      },
    );
    if (res.status !== 201) throw new Error(`correction failed: ${res.status} ${await res.text()}`);
    corrections += 1;
  }
  const head = await eventStore.headPosition();
  report('corrections added for the audit figures', `${fmt(corrections)}`);

  const readModels = await createReadModelDataSource(databaseUrl, { poolSize: 4 }).initialize();
  try {
    const caught = await fetch(`${base}/elections/${electionId}/audit/checkpoint?minPosition=${head}`, {
      headers: { authorization },
    });
    if (caught.status !== 200) throw new Error(`checkpoint not reached: ${caught.status}`);
    const verified = await verifyLog(eventStore, { readModels });
    if (!verified.intact) throw new Error(`verify found problems: ${JSON.stringify(verified.problems[0])}`);
    report(
      `full-log verification (${fmt(verified.events)} events: hashes, links, gaps, digest vs checkpoint)`,
      `${fmt(verified.events / verified.seconds)} events/s (${fmt(verified.seconds, 2)} s)`,
    );

    for (const projection of allProjections()) {
      const result = await new ShadowRebuild(readModels, eventStore, projection).rebuild();
      report(
        `rebuild ${projection.name} into a shadow and swap in (${fmt(result.events)} events)`,
        `${fmt(result.events / result.seconds)} events/s (${fmt(result.seconds, 2)} s)`,
      );
    }
  } finally {
    await readModels.destroy();
  }

  for (const [label, query] of [
    [`city ?atPosition=${head} (the whole night)`, `results/city?atPosition=${head}`],
    ['districts ?atPosition= (the whole night)', `results/districts?atPosition=${head}`],
    [
      `city ?asOf= (before the corrections, position ${middle})`,
      `results/city?asOf=${encodeURIComponent(middleTime.toISOString())}`,
    ],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/elections/${electionId}/${query}`);
      await res.text();
      if (res.status !== 200) throw new Error(`${query}: ${res.status}`);
      times.push(performance.now() - started);
    }
    report(
      `time travel ${label}`,
      `${fmt(Math.min(...times))} ms best, ${fmt(Math.max(...times))} ms worst of 3`,
    );
  }
}
