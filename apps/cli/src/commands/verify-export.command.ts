import { checkSignedCheckpoint, SignedCheckpoint } from '@tally/domain';
import { describeProblem, PublishedCheckpoint, verifyExportFile } from '@tally/read-models';
import { progressBar } from './cli-stores';
import { statSync } from 'node:fs';
import { readCheckpoint, readPublicKey } from './signed-checkpoint-input';

export interface SignedCheckpointSources {
  /** FILE or URL of GET /elections/{e}/audit/checkpoint's answer. */
  checkpoint?: string;
  /** FILE or URL: a PEM, or GET /elections/{e}/audit/public-key's answer. */
  publicKey?: string;
}

/**
 * `verify-export FILE [--digest E=HEX ...] [--checkpoint FILE_OR_URL --public-key FILE_OR_URL]`: checks an export
 * offline, without any database: every hash and link, revisions, positions, each election's digest (against the
 * published checkpoint when given), and prints the city totals recomputed from the file with the live projection's
 * code. A signed checkpoint is checked with the public key first (signature, payload), then the file must reach its
 * digest and event count at its position. Exit 0 when intact, 1 otherwise.
 */
export async function verifyExportCommand(
  file: string | undefined,
  digests: string[],
  log: (line: string) => void,
  print: (line: string) => void,
  signed: SignedCheckpointSources = {},
): Promise<number> {
  if (!file) {
    log(
      'Usage: npm run cli -- verify-export FILE [--digest ELECTION=HEX] [--checkpoint FILE_OR_URL --public-key FILE_OR_URL]',
    );
    return 2;
  }
  if ((signed.checkpoint === undefined) !== (signed.publicKey === undefined)) {
    log('--checkpoint and --public-key go together: a signature is checked with the key that made it');
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
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (error) {
    log(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  const checkpoints: PublishedCheckpoint[] = [];
  let signatureValid = true;
  if (signed.checkpoint !== undefined && signed.publicKey !== undefined) {
    let check;
    try {
      const [checkpoint, publicKeyPem] = await Promise.all([
        readCheckpoint(signed.checkpoint),
        readPublicKey(signed.publicKey),
      ]);
      check = checkSignedCheckpoint(checkpoint as SignedCheckpoint, publicKeyPem);
    } catch (error) {
      log(`SIGNATURE NOT CHECKED: ${(error as Error).message}`);
      return 1;
    }
    if (check.valid) {
      const { electionId, position, eventCount, digest } = check.fields;
      log(
        `SIGNATURE VALID: checkpoint of ${electionId} at position ${position} (${eventCount} events, digest ${digest}), ` +
          `signed by the given key`,
      );
      checkpoints.push({ electionId, position, eventCount, digest });
    } else {
      signatureValid = false;
      log(`SIGNATURE INVALID: ${check.problem}`);
    }
  }
  const bar = progressBar('verify-export');
  let result;
  try {
    result = await verifyExportFile(file, { expectedDigests, checkpoints, onLine: (n) => bar.update(n, n) });
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
  if (result.intact && !signatureValid) {
    log('The file is consistent in itself, but the checkpoint it was to be checked against is not authentic');
    return 1;
  }
  if (result.intact) {
    log(
      checkpoints.length > 0
        ? 'INTACT: every hash, link and revision in the file checks out, and it reaches the signed checkpoint'
        : 'INTACT: every hash, link and revision in the file checks out',
    );
    return 0;
  }
  log(`TAMPERED: ${result.problems.length} problem(s). First broken link:`);
  log(`  ${describeProblem(result.problems[0])}`);
  for (const problem of result.problems.slice(1, 20)) log(`  then: ${describeProblem(problem)}`);
  return 1;
}
