import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportLines } from '@tally/read-models';
import { eventsUpTo, openCliStores, progressBar } from './cli-stores';

/**
 * `export FILE [--election E]`: writes the log (or one election's events) as NDJSON, read directly from the configured
 * store page by page (no api needed). The same lines as GET /elections/{e}/audit/export.
 */
export async function exportCommand(
  file: string | undefined,
  electionId: string | undefined,
  log: (line: string) => void,
): Promise<number> {
  if (!file) {
    log('Usage: npm run cli -- export FILE [--election E]');
    return 2;
  }
  const stores = await openCliStores(log);
  const bar = progressBar('export');
  const out = createWriteStream(file, 'utf8');
  try {
    const head = await stores.eventStore.headPosition();
    // One election's events are fewer than the log's: their total is not known in advance.
    const total = electionId ? undefined : eventsUpTo(stores.eventStore, head);
    let lines = 0;
    for await (const line of exportLines(stores.eventStore, { electionId, to: head })) {
      if (!out.write(line)) await once(out, 'drain');
      lines += 1;
      if (lines % 500 === 0) bar.update(lines, total);
    }
    bar.update(lines, lines);
    bar.stop();
    out.end();
    await once(out, 'finish');
    log(
      `Wrote ${lines} events up to position ${head}${electionId ? ` of election ${electionId}` : ''} to ${file}`,
    );
    return 0;
  } finally {
    bar.stop();
    await stores.close();
  }
}
