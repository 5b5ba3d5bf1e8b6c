import { chainEvents, GENESIS_HASH, nextDigest } from '@tally/domain';
import type { StoredEvent } from '@tally/event-store';
import { ChainVerifier } from './chain-verifier';

const metadata = {
  actor: { id: 'a' },
  requestId: 'r',
  correlationId: 'c',
  causationId: 'c',
  schemaVersion: 1,
};

/** A chained stream of `n` events starting at `position`. */
function stream(streamId: string, n: number, position: number): StoredEvent[] {
  return chainEvents(
    streamId,
    0,
    GENESIS_HASH,
    Array.from({ length: n }, (_, i) => ({ type: 'TallySubmitted', data: { i }, metadata })),
  ).map((e, i) => ({
    eventId: `${streamId}-${i}`,
    type: e.type,
    data: e.data as Record<string, unknown>,
    metadata: e.metadata,
    streamId,
    revision: i,
    position: position + i,
    recordedAt: new Date(0),
  }));
}

function check(events: StoredEvent[], options = {}) {
  const verifier = new ChainVerifier({ gaplessPositions: true, ...options });
  for (const e of events) verifier.add(e);
  verifier.finish();
  return verifier;
}

describe('ChainVerifier', () => {
  const clean = () => [...stream('election-e1', 1, 0), ...stream('tally-e1.a.na', 3, 1)];

  it('accepts a clean log and computes the digest of the election', () => {
    const events = clean();
    const verifier = check(events);
    expect(verifier.problems).toEqual([]);
    const digest = events.reduce((d, e) => nextDigest(d, e.metadata.hash as string), GENESIS_HASH);
    expect(verifier.electionDigests()).toEqual([{ electionId: 'e1', position: 3, eventCount: 4, digest }]);
  });

  it('reports a forged prevHash link, a missing hash and a rewritten actor', () => {
    const forged = clean();
    forged[2] = { ...forged[2], metadata: { ...forged[2].metadata, prevHash: 'f'.repeat(64) } };
    expect(check(forged).problems.map((p) => [p.kind, p.revision])).toEqual([
      ['prev-hash-mismatch', 1],
      ['hash-mismatch', 1],
    ]);

    const unchained = clean();
    unchained[3] = { ...unchained[3], metadata: metadata };
    expect(check(unchained).problems.map((p) => p.kind)).toEqual(['missing-hash']);

    const actor = clean();
    actor[1] = { ...actor[1], metadata: { ...actor[1].metadata, actor: { id: 'mallory' } } };
    expect(check(actor).problems).toEqual([expect.objectContaining({ kind: 'hash-mismatch', position: 1 })]);
  });

  it('compares with a published checkpoint: a rewritten chain keeps its links but not the digest', () => {
    const events = clean();
    const published = check(events).electionDigests()[0];
    // Rewrite the whole tally stream with other data and fresh hashes: every link checks out.
    const rewritten = [events[0], ...stream('tally-e1.a.na', 3, 1).map((e) => ({ ...e }))];
    const forged = chainEvents(
      'tally-e1.a.na',
      0,
      GENESIS_HASH,
      rewritten.slice(1).map((e, i) => ({ type: e.type, data: { i: i + 100 }, metadata })),
    );
    forged.forEach((f, i) => Object.assign(rewritten[i + 1], { data: f.data, metadata: f.metadata }));
    const verifier = check(rewritten, { checkpoints: [published] });
    expect(verifier.problems.map((p) => p.kind)).toEqual(['digest-mismatch']);
    expect(verifier.problems[0].detail).toContain(published.digest);
  });

  it('reports positions out of order, a missing checkpoint position and a repeated revision', () => {
    const events = clean();
    const swapped = [events[0], events[2], events[1], events[3]];
    expect(check(swapped).problems.map((p) => p.kind)).toContain('position-order');

    const published = { electionId: 'e1', position: 3, eventCount: 4, digest: 'x' };
    const verifier = check(events.slice(0, 3), { checkpoints: [published] });
    expect(verifier.problems.map((p) => p.kind)).toEqual(['checkpoint-not-reached']);

    const repeated = [...events, { ...events[3], position: 4 }];
    expect(check(repeated).problems.map((p) => p.kind)).toContain('revision-gap');
  });
});
