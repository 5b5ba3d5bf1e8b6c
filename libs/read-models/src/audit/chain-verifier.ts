import type { StoredEvent } from '@tally/event-store';
import { electionIdOfStream, eventHash, GENESIS_HASH, nextDigest } from '@tally/domain';
import { isProjectedStream } from '../projection';

export type ProblemKind =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'missing-hash'
  | 'revision-gap'
  | 'position-gap'
  | 'position-order'
  | 'missing-tail'
  | 'digest-mismatch'
  | 'checkpoint-not-reached'
  | 'scan-missing'
  | 'scan-altered';

export interface ChainProblem {
  kind: ProblemKind;
  streamId?: string;
  revision?: number;
  position?: number;
  electionId?: string;
  /** One line an auditor can act on: what differs, stored vs recomputed. */
  detail: string;
}

/** The published digest an election must reach at `position` (GET /elections/{e}/audit/checkpoint). */
export interface PublishedCheckpoint {
  electionId: string;
  position: number;
  eventCount: number;
  digest: string;
}

export interface ElectionDigest {
  electionId: string;
  position: number;
  eventCount: number;
  digest: string;
}

export interface ChainVerifierOptions {
  /** The store's positions have no gaps (postgres): a missing position is a deleted event. */
  gaplessPositions?: boolean;
  checkpoints?: PublishedCheckpoint[];
  /** Keep at most this many problems (default 100); the first is the first broken link in log order. */
  maxProblems?: number;
}

interface StreamState {
  revision: number;
  hash: string;
}

/**
 * Checks a log fed to it in global order, one event at a time: every hash recomputed, every prevHash link, revisions
 * contiguous per stream from 0, positions increasing (and gapless when the store promises it), and each election's
 * running digest against its published checkpoint. Used by `verify` (from the store) and `verify-export` (a file).
 */
export class ChainVerifier {
  readonly problems: ChainProblem[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly digests = new Map<string, ElectionDigest>();
  private readonly checkpoints: Map<string, PublishedCheckpoint>;
  private readonly checked = new Set<string>();
  private lastPosition: number | null = null;
  private count = 0;
  private readonly maxProblems: number;

  constructor(private readonly options: ChainVerifierOptions = {}) {
    this.checkpoints = new Map((options.checkpoints ?? []).map((c) => [c.electionId, c]));
    this.maxProblems = options.maxProblems ?? 100;
  }

  get eventCount(): number {
    return this.count;
  }

  get intact(): boolean {
    return this.problems.length === 0;
  }

  /** Running digests so far, per election. */
  electionDigests(): ElectionDigest[] {
    return [...this.digests.values()].sort((a, b) => a.electionId.localeCompare(b.electionId));
  }

  add(event: StoredEvent): void {
    this.count += 1;
    const where = { streamId: event.streamId, revision: event.revision, position: event.position };
    this.checkPosition(event, where);

    const stream = this.streams.get(event.streamId);
    const expectedRevision = stream ? stream.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      this.report({
        kind: 'revision-gap',
        ...where,
        detail:
          event.revision > expectedRevision
            ? `missing revision${event.revision - expectedRevision > 1 ? 's' : ''} ${expectedRevision}` +
              `${event.revision - expectedRevision > 1 ? `..${event.revision - 1}` : ''} of ${event.streamId}`
            : `revision ${event.revision} repeats or goes back (expected ${expectedRevision})`,
      });
    }

    const metadata = (event.metadata ?? {}) as Record<string, unknown>;
    const storedPrev = metadata.prevHash;
    const storedHash = metadata.hash;
    const expectedPrev = stream ? stream.hash : GENESIS_HASH;
    let recomputed: string;
    if (typeof storedHash !== 'string' || typeof storedPrev !== 'string') {
      this.report({
        kind: 'missing-hash',
        ...where,
        detail: 'the event carries no prevHash/hash in its metadata',
      });
      recomputed = eventHash({ ...event, prevHash: expectedPrev, metadata });
    } else {
      if (storedPrev !== expectedPrev && event.revision === expectedRevision) {
        this.report({
          kind: 'prev-hash-mismatch',
          ...where,
          detail: `stored prevHash ${storedPrev} ≠ hash of the previous event of the stream ${expectedPrev}`,
        });
      }
      recomputed = eventHash({ ...event, prevHash: storedPrev, metadata });
      if (recomputed !== storedHash) {
        this.report({
          kind: 'hash-mismatch',
          ...where,
          detail:
            `stored hash ${storedHash} ≠ recomputed ${recomputed}: the event's type, data or audited ` +
            `metadata (actor, requestId, correlationId, causationId, schemaVersion) changed after it was written`,
        });
      }
    }
    // The next link is checked against what is stored, so one altered event is reported once, not for every successor.
    this.streams.set(event.streamId, {
      revision: event.revision,
      hash: typeof storedHash === 'string' ? storedHash : recomputed,
    });

    if (isProjectedStream(event.streamId)) this.foldDigest(event, recomputed);
  }

  /** Call once the whole log is read: `head` is the store's last position, when known. */
  finish(head?: number): void {
    if (head !== undefined && head >= 0 && (this.lastPosition ?? -1) < head) {
      this.report({
        kind: 'missing-tail',
        position: head,
        detail: `the log head is at position ${head} but the last event read is at ${this.lastPosition ?? 'none'}`,
      });
    }
    for (const checkpoint of this.checkpoints.values()) {
      if (this.checked.has(checkpoint.electionId)) continue;
      this.report({
        kind: 'checkpoint-not-reached',
        electionId: checkpoint.electionId,
        position: checkpoint.position,
        detail:
          `the published checkpoint of ${checkpoint.electionId} is at position ${checkpoint.position} ` +
          `(${checkpoint.eventCount} events), but no event of the election is at that position`,
      });
    }
  }

  /** The first broken link in log order. */
  get firstProblem(): ChainProblem | undefined {
    return this.problems[0];
  }

  private checkPosition(event: StoredEvent, where: { streamId: string; revision: number; position: number }) {
    const previous = this.lastPosition;
    this.lastPosition = event.position;
    if (previous !== null && event.position <= previous) {
      this.report({
        kind: 'position-order',
        ...where,
        detail: `position ${event.position} after ${previous}`,
      });
      return;
    }
    if (!this.options.gaplessPositions) return;
    const expected = previous === null ? 0 : previous + 1;
    if (event.position > expected) {
      const missing = event.position - expected;
      this.report({
        kind: 'position-gap',
        ...where,
        detail:
          `position${missing > 1 ? 's' : ''} ${expected}${missing > 1 ? `..${event.position - 1}` : ''} ` +
          `missing from the log (deleted event${missing > 1 ? 's' : ''}) before ${event.streamId}@${event.revision}`,
      });
    }
  }

  private foldDigest(event: StoredEvent, hash: string): void {
    const electionId = electionIdOfStream(event.streamId);
    if (!electionId) return;
    const previous = this.digests.get(electionId);
    const state: ElectionDigest = {
      electionId,
      position: event.position,
      eventCount: (previous?.eventCount ?? 0) + 1,
      digest: nextDigest(previous?.digest ?? GENESIS_HASH, hash),
    };
    this.digests.set(electionId, state);
    const checkpoint = this.checkpoints.get(electionId);
    if (!checkpoint || this.checked.has(electionId) || event.position < checkpoint.position) return;
    this.checked.add(electionId);
    if (event.position > checkpoint.position) {
      this.report({
        kind: 'checkpoint-not-reached',
        electionId,
        position: checkpoint.position,
        detail:
          `the published checkpoint of ${electionId} is at position ${checkpoint.position} ` +
          `(${checkpoint.eventCount} events), but no event of the election is at that position any more`,
      });
      return;
    }
    if (state.digest !== checkpoint.digest || state.eventCount !== checkpoint.eventCount) {
      this.report({
        kind: 'digest-mismatch',
        electionId,
        position: event.position,
        streamId: event.streamId,
        revision: event.revision,
        detail:
          `published checkpoint of ${electionId} at position ${checkpoint.position}: digest ${checkpoint.digest} ` +
          `over ${checkpoint.eventCount} events; recomputed ${state.digest} over ${state.eventCount} events`,
      });
    }
  }

  private report(problem: ChainProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
  }
}

export function describeProblem(p: ChainProblem): string {
  const place = [
    p.electionId && `election ${p.electionId}`,
    p.streamId && `stream ${p.streamId}`,
    p.revision !== undefined && `revision ${p.revision}`,
    p.position !== undefined && `position ${p.position}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${p.kind} at ${place}: ${p.detail}`;
}
