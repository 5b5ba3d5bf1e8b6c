import type { DataSource } from 'typeorm';
import type { EventStore } from '@tally/event-store';
import { START } from '@tally/event-store';
import { AuditCheckpointQueries } from '../queries/audit-checkpoint.queries';
import { ChainProblem, ChainVerifier, ElectionDigest, PublishedCheckpoint } from './chain-verifier';
import { checkScans, ScanBytes, ScanReference, scanReferenceOf } from './scan-check';

export interface VerifyLogOptions {
  /** Where to read the published checkpoints from; without it the digests are computed but not compared. */
  readModels?: DataSource;
  pageSize?: number;
  /** Called after every page: events read so far and the head position read at the start. */
  onProgress?: (done: number, head: number) => void;
  /** The scan store: every digest a TallyScanAttached names must be there and hash to it. Unchecked without it. */
  scans?: ScanBytes;
}

export interface VerifyLogReport {
  intact: boolean;
  events: number;
  head: number;
  problems: ChainProblem[];
  digests: ElectionDigest[];
  /** The checkpoints compared with (empty when the read models were not available). */
  checkpoints: PublishedCheckpoint[];
  /** Scans the log references (TallyScanAttached events), and how many of their digests were checked. */
  scans: { referenced: number; checked: number };
  seconds: number;
}

/**
 * Reads the whole log from the store page by page and verifies it with ChainVerifier. Checkpoints are read before
 * the log, so each lies at or before the head the scan reaches; on the postgres store positions must be gapless.
 */
export async function verifyLog(store: EventStore, options: VerifyLogOptions = {}): Promise<VerifyLogReport> {
  const started = Date.now();
  const checkpoints = options.readModels ? await readCheckpoints(options.readModels) : [];
  const head = await store.headPosition();
  const verifier = new ChainVerifier({ gaplessPositions: store.gaplessPositions, checkpoints });
  const pageSize = options.pageSize ?? 2000;
  const references: ScanReference[] = [];
  let after = START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, to: head });
    for (const event of page) {
      verifier.add(event);
      const reference = scanReferenceOf(event);
      if (reference) references.push(reference);
    }
    options.onProgress?.(verifier.eventCount, head);
    if (page.length < pageSize) break;
    after = page[page.length - 1].position;
  }
  verifier.finish(head);
  const scanProblems = options.scans ? await checkScans(references, options.scans) : [];
  const problems: ChainProblem[] = [...verifier.problems, ...scanProblems];
  return {
    intact: problems.length === 0,
    events: verifier.eventCount,
    head,
    problems,
    scans: {
      referenced: references.length,
      checked: options.scans ? new Set(references.map((r) => r.digest)).size : 0,
    },
    digests: verifier.electionDigests(),
    checkpoints,
    seconds: (Date.now() - started) / 1000,
  };
}

async function readCheckpoints(dataSource: DataSource): Promise<PublishedCheckpoint[]> {
  const [exists] = await dataSource.query(`SELECT to_regclass('rm_audit_digests') IS NOT NULL AS present`);
  if (!exists.present) return [];
  return new AuditCheckpointQueries(dataSource).all();
}
