import { describeProblem, verifyExportFile } from '@tally/read-models';
import { progressBar } from './cli-stores';
import { statSync } from 'node:fs';

/**
 * `verify-export FILE [--digest E=HEX ...]`: checks an export offline, without any database: every hash and link,
 * revisions, positions, each election's digest (against the published checkpoint when given), and prints the city
 * totals recomputed from the file with the live projection's code. Exit 0 when intact, 1 otherwise.
 */
export async function verifyExportCommand(
  file: string | undefined,
  digests: string[],
  log: (line: string) => void,
  print: (line: string) => void,
): Promise<number> {
  if (!file) {
    log('Usage: npm run cli -- verify-export FILE [--digest ELECTION=HEX]');
    return 2;
  }
  const expectedDigests: Record<string, string> = {};
  for (const pair of digests) {
    const [electionId, hex] = pair.split('=');
    if (!electionId || !/^[0-9a-f]{64}$/.test(hex ?? '')) {
      log(`--digest takes ELECTION=HEX (64 lowercase hex digits), not ${pair}`);
      return 2;
    }
    expectedDigests[electionId] = hex;
  }
  statSync(file);
  const bar = progressBar('verify-export');
  let result;
  try {
    result = await verifyExportFile(file, { expectedDigests, onLine: (n) => bar.update(n, n) });
  } catch (error) {
    bar.stop();
    log(`MALFORMED: ${(error as Error).message}`);
    return 1;
  }
  bar.stop();
  log(`Checked ${result.events} events from ${file}`);
  for (const d of result.digests) {
    log(`  election ${d.electionId}: ${d.eventCount} events, digest ${d.digest} at position ${d.position}`);
  }
  for (const city of result.cities) {
    print(`City results of ${city.electionId} at position ${city.position}, recomputed from the file:`);
    for (const contest of city.contests) {
      print(
        `  ${contest.contestId} (${contest.name}): ${contest.pollingAreasReported}/${contest.pollingAreasExpected} polling areas, ` +
          `${contest.votersVoted}/${contest.registeredVoters} voted, ${contest.validBallots} valid, ${contest.invalidBallots} invalid`,
      );
      for (const unit of contest.units) {
        const votes = unit.candidates
          .map((c) => `${c.candidateId} ${c.votes}${c.elected ? '*' : ''}`)
          .join(', ');
        print(`    ${unit.unitId}: ${votes}`);
      }
    }
  }
  if (process.env.TALLY_JSON === '1') print(JSON.stringify(result.cities));
  if (result.intact) {
    log('INTACT: every hash, link and revision in the file checks out');
    return 0;
  }
  log(`TAMPERED: ${result.problems.length} problem(s). First broken link:`);
  log(`  ${describeProblem(result.problems[0])}`);
  for (const problem of result.problems.slice(1, 20)) log(`  then: ${describeProblem(problem)}`);
  return 1;
}
