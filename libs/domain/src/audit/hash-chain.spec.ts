import { createHash } from 'node:crypto';
import {
  canonicalEventText,
  chainEvents,
  electionIdOfStream,
  eventHash,
  GENESIS_HASH,
  nextDigest,
} from './hash-chain';

const metadata = {
  actor: { id: 'anonymous' },
  requestId: 'r-1',
  correlationId: 'c-1',
  causationId: 'c-1',
  schemaVersion: 1,
  traceparent: 'not audited',
};

describe('hash chain', () => {
  it('hashes the RFC 8785 text of type, data, stream, revision, prevHash and the audited metadata only', () => {
    const text = canonicalEventText({
      type: 'T',
      data: { b: 1, a: 'x' },
      streamId: 's-1',
      revision: 0,
      prevHash: GENESIS_HASH,
      metadata,
    });
    expect(text).toBe(
      '{"data":{"a":"x","b":1},"metadata":{"actor":{"id":"anonymous"},"causationId":"c-1","correlationId":"c-1",' +
        `"requestId":"r-1","schemaVersion":1},"prevHash":"${GENESIS_HASH}","revision":0,"streamId":"s-1","type":"T"}`,
    );
    const hash = eventHash({
      type: 'T',
      data: { a: 'x', b: 1 },
      streamId: 's-1',
      revision: 0,
      prevHash: GENESIS_HASH,
      metadata,
    });
    expect(hash).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('links each event to the previous one and changes when any covered field changes', () => {
    const [first, second] = chainEvents('s-1', 0, GENESIS_HASH, [
      { type: 'T', data: { n: 1 }, metadata },
      { type: 'T', data: { n: 2 }, metadata },
    ]);
    expect(first.metadata.prevHash).toBe(GENESIS_HASH);
    expect(second.metadata.prevHash).toBe(first.metadata.hash);
    expect(first.metadata.traceparent).toBe('not audited');
    const base = {
      type: 'T',
      data: { n: 1 },
      streamId: 's-1',
      revision: 0,
      prevHash: GENESIS_HASH,
      metadata,
    };
    expect(eventHash(base)).toBe(first.metadata.hash);
    for (const changed of [
      { ...base, type: 'U' },
      { ...base, data: { n: 3 } },
      { ...base, streamId: 's-2' },
      { ...base, revision: 1 },
      { ...base, prevHash: 'f'.repeat(64) },
      { ...base, metadata: { ...metadata, actor: { id: 'mallory' } } },
    ]) {
      expect(eventHash(changed)).not.toBe(first.metadata.hash);
    }
    expect(eventHash({ ...base, metadata: { ...metadata, traceparent: 'other' } })).toBe(first.metadata.hash);
  });

  it('digests as SHA-256 of the previous digest and the hash, both as hex text', () => {
    const hash = 'a'.repeat(64);
    expect(nextDigest(GENESIS_HASH, hash)).toBe(
      createHash('sha256')
        .update(GENESIS_HASH + hash)
        .digest('hex'),
    );
  });

  it('finds the election of a stream', () => {
    expect(electionIdOfStream('election-hn-2021')).toBe('hn-2021');
    expect(electionIdOfStream('tally-hn-2021.ba-dinh-0001.na')).toBe('hn-2021');
    expect(electionIdOfStream('nodash')).toBeNull();
  });
});
