import { describeProblem, verifyLog } from '@tally/read-models';
import { eventsUpTo, openCliStores, progressBar } from './cli-stores';

/**
 * `verify`: reads the whole log from the configured store, recomputes every hash and link, checks revisions (and
 * on postgres positions) for gaps, compares each election's digest with its published checkpoint, and checks that
 * every scan a TallyScanAttached names is in the scan store and hashes to its digest.
 * Exit 0 when intact, 1 when anything is broken.
 */
export async function verifyCommand(log: (line: string) => void): Promise<number> {
  const stores = await openCliStores(log);
  const bar = progressBar('verify');
  try {
    const readModels = await stores.readModels();
    const scanStore = await stores.scanStore();
    const report = await verifyLog(stores.eventStore, {
      readModels: readModels ?? undefined,
      scans: async (digest) => (await scanStore.get(digest))?.bytes,
      onProgress: (done, head) => bar.update(done, eventsUpTo(stores.eventStore, head)),
    });
    bar.stop();
    const rate = Math.round(report.events / Math.max(report.seconds, 0.001));
    log(
      `Read ${report.events} events up to position ${report.head} from the ${stores.eventStore.name} store ` +
        `in ${report.seconds.toFixed(1)} s (${rate} events/s)`,
    );
    for (const digest of report.digests) {
      const published = report.checkpoints.find((c) => c.electionId === digest.electionId);
      log(
        `  election ${digest.electionId}: ${digest.eventCount} events, digest ${digest.digest} at position ` +
          `${digest.position}${published ? ` (published checkpoint at ${published.position} compared)` : ''}`,
      );
    }
    log(
      `  scans: ${report.scans.referenced} referenced, ${report.scans.checked} distinct digest(s) checked in the ` +
        `${scanStore.name} scan store`,
    );
    if (report.intact) {
      log(
        'INTACT: every hash, link, revision and position checks out, and every referenced scan is present and unaltered',
      );
      return 0;
    }
    log(`TAMPERED: ${report.problems.length} problem(s). First broken link:`);
    log(`  ${describeProblem(report.problems[0])}`);
    for (const problem of report.problems.slice(1, 20)) log(`  then: ${describeProblem(problem)}`);
    return 1;
  } finally {
    bar.stop();
    await stores.close();
  }
}
