import { createHash } from 'node:crypto';
import type { StoredEvent } from '@tally/event-store';
import type { ChainProblem } from './chain-verifier';

/** Where the log names a scan: a TallyScanAttached event. */
export interface ScanReference {
  digest: string;
  size: number;
  streamId: string;
  revision: number;
  position: number;
}

/** The bytes a scan store holds under a digest, undefined when it holds none. */
export type ScanBytes = (digest: string) => Promise<Buffer | undefined>;

export function scanReferenceOf(event: StoredEvent): ScanReference | undefined {
  if (event.type !== 'TallyScanAttached') return undefined;
  const { digest, size } = event.data;
  if (typeof digest !== 'string') return undefined;
  return {
    digest,
    size: typeof size === 'number' ? size : -1,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
  };
}

/**
 * Every referenced digest must have bytes in the scan store that hash to it (and have the recorded size): a missing
 * file is `scan-missing`, changed bytes `scan-altered`. Each digest is fetched once, however often it is referenced.
 */
export async function checkScans(references: ScanReference[], bytesOf: ScanBytes): Promise<ChainProblem[]> {
  const problems: ChainProblem[] = [];
  const verdicts = new Map<string, 'ok' | 'missing' | { actual: string; size: number }>();
  for (const ref of references) {
    let verdict = verdicts.get(ref.digest);
    if (verdict === undefined) {
      const bytes = await bytesOf(ref.digest);
      const actual = bytes && createHash('sha256').update(bytes).digest('hex');
      verdict = !bytes ? 'missing' : actual === ref.digest ? 'ok' : { actual: actual!, size: bytes.length };
      verdicts.set(ref.digest, verdict);
    }
    const where = { streamId: ref.streamId, revision: ref.revision, position: ref.position };
    if (verdict === 'missing') {
      problems.push({
        kind: 'scan-missing',
        ...where,
        detail: `no bytes in the scan store for digest ${ref.digest}`,
      });
    } else if (verdict !== 'ok') {
      problems.push({
        kind: 'scan-altered',
        ...where,
        detail: `the bytes stored for ${ref.digest} (${verdict.size} bytes) hash to ${verdict.actual}`,
      });
    }
  }
  return problems;
}
