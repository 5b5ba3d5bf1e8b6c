import { allProjections } from '@tally/platform';
import { Projection, ShadowRebuild, ShadowResult } from '@tally/read-models';
import { openCliStores, progressBar } from './cli-stores';

function pick(name: string | undefined, log: (line: string) => void): Projection[] | null {
  const projections = allProjections();
  if (name === undefined) return projections;
  const found = projections.filter((p) => p.name === name);
  if (found.length === 0) {
    log(`Unknown projection ${name}; known: ${projections.map((p) => p.name).join(', ')}`);
    return null;
  }
  return found;
}

async function eachProjection(
  name: string | undefined,
  mode: 'rebuild' | 'verify',
  log: (line: string) => void,
): Promise<ShadowResult[] | number> {
  const projections = pick(name, log);
  if (!projections) return 2;
  const stores = await openCliStores(log);
  try {
    const dataSource = await stores.readModels();
    if (!dataSource) return 1;
    const results: ShadowResult[] = [];
    for (const projection of projections) {
      const bar = progressBar(`${mode} ${projection.name}`);
      try {
        const shadow = new ShadowRebuild(dataSource, stores.eventStore, projection, {
          onProgress: (done, total) => bar.update(done, total),
        });
        results.push(mode === 'rebuild' ? await shadow.rebuild() : await shadow.verify());
      } finally {
        bar.stop();
      }
      const r = results[results.length - 1];
      log(
        `${projection.name}: replayed ${r.events} events up to position ${r.position} in ${r.seconds.toFixed(1)} s ` +
          `(${Math.round(r.events / Math.max(r.seconds, 0.001))} events/s)`,
      );
    }
    return results;
  } finally {
    await stores.close();
  }
}

/**
 * `rebuild [projection]`: replays from position 0 into a shadow schema and puts the rows in place in one transaction
 * with the checkpoint; readers keep the old rows until it commits. Safe while the service runs.
 */
export async function rebuildCommand(name: string | undefined, log: (line: string) => void): Promise<number> {
  const results = await eachProjection(name, 'rebuild', log);
  if (typeof results === 'number') return results;
  for (const r of results) {
    const changed = r.differences.reduce((n, d) => n + d.onlyLiveCount + d.onlyRebuiltCount, 0);
    log(
      `${r.projection}: swapped in at position ${r.position}${changed ? ` (${changed} rows differed)` : ''}`,
    );
  }
  return 0;
}

/** `verify-read-models`: rebuilds each projection in a shadow and compares with the live rows. Exit 1 on differences. */
export async function verifyReadModelsCommand(log: (line: string) => void): Promise<number> {
  const results = await eachProjection(undefined, 'verify', log);
  if (typeof results === 'number') return results;
  let differs = false;
  for (const r of results) {
    for (const d of r.differences) {
      differs = true;
      log(
        `DIFFERENT ${r.projection} ${d.table}: ${d.onlyLiveCount} live row(s) not in the rebuild, ${d.onlyRebuiltCount} rebuilt row(s) not live`,
      );
      for (const row of d.onlyLive) log(`  live:    ${JSON.stringify(row)}`);
      for (const row of d.onlyRebuilt) log(`  rebuilt: ${JSON.stringify(row)}`);
    }
  }
  log(
    differs ? 'The read models differ from a replay of the log' : 'The read models equal a replay of the log',
  );
  return differs ? 1 : 0;
}
