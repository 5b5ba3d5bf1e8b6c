import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';

/**
 * Tamper evidence: every event carries `prevHash` (the `hash` of the previous event of its stream, GENESIS_HASH for
 * revision 0) and its own `hash` in its metadata.
 *
 *   hash = lowercase hex SHA-256 of the UTF-8 bytes of JCS(RFC 8785)({
 *     type, data, streamId, revision, prevHash,
 *     metadata: { actor, requestId, correlationId, causationId, schemaVersion }   // the audited fields present
 *   })
 *
 * Any other metadata field (including `hash` itself) is not covered. Per election, a running digest over the
 * election's events in global order: digest_0 = GENESIS_HASH, digest_n = hex SHA-256(UTF-8(digest_{n-1} + hash_n))
 * (the two 64-character hex strings concatenated).
 */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDITED_METADATA_FIELDS = [
  'actor',
  'requestId',
  'correlationId',
  'causationId',
  'schemaVersion',
] as const;

export interface ChainedFields {
  prevHash: string;
  hash: string;
}

export interface HashInput {
  type: string;
  data: unknown;
  streamId: string;
  revision: number;
  prevHash: string;
  metadata: Record<string, unknown>;
}

/** The audited subset of the metadata: the fields listed in AUDITED_METADATA_FIELDS that are present. */
export function auditedMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of AUDITED_METADATA_FIELDS) {
    if (metadata[field] !== undefined) picked[field] = metadata[field];
  }
  return picked;
}

/** The exact text that is hashed (JCS), exported so an auditor or a test can inspect it. */
export function canonicalEventText(input: HashInput): string {
  return canonicalize({
    type: input.type,
    data: input.data,
    streamId: input.streamId,
    revision: input.revision,
    prevHash: input.prevHash,
    metadata: auditedMetadata(input.metadata),
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function eventHash(input: HashInput): string {
  return sha256Hex(canonicalEventText(input));
}

/** The previous link for the next event of a stream: the last event's stored hash, or GENESIS_HASH. */
export function prevHashOf(lastMetadata: Record<string, unknown> | undefined): string {
  if (!lastMetadata) return GENESIS_HASH;
  const hash = lastMetadata.hash;
  return typeof hash === 'string' ? hash : GENESIS_HASH;
}

/**
 * Chains events about to be appended to a stream whose next revision is `firstRevision`: each gets its metadata
 * plus `prevHash` and `hash`. `prevHash` is the stored hash of the stream's last event (GENESIS_HASH for a new one).
 */
export function chainEvents<E extends { type: string; data: unknown; metadata: Record<string, unknown> }>(
  streamId: string,
  firstRevision: number,
  prevHash: string,
  events: E[],
): Array<E & { metadata: Record<string, unknown> & ChainedFields }> {
  let previous = prevHash;
  return events.map((event, i) => {
    const metadata = { ...auditedMetadataFree(event.metadata), prevHash: previous };
    const hash = eventHash({
      type: event.type,
      data: event.data,
      streamId,
      revision: firstRevision + i,
      prevHash: previous,
      metadata,
    });
    previous = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
}

/** The metadata without earlier chain fields (a caller must not smuggle its own). */
function auditedMetadataFree(metadata: Record<string, unknown>): Record<string, unknown> {
  const { prevHash: _p, hash: _h, ...rest } = metadata;
  return rest;
}

/** digest_n = SHA-256(digest_{n-1} + hash_n), both as lowercase hex text. */
export function nextDigest(previousDigest: string, hash: string): string {
  return sha256Hex(previousDigest + hash);
}

/**
 * The election an event belongs to, from its stream id: `<category>-<electionId>` or
 * `<category>-<electionId>.<rest>` (ids are [a-z0-9-], categories contain no '-': election-, tally-, ...).
 */
export function electionIdOfStream(streamId: string): string | null {
  const dash = streamId.indexOf('-');
  if (dash <= 0) return null;
  const rest = streamId.slice(dash + 1);
  const id = rest.split('.')[0];
  return id.length > 0 ? id : null;
}

/** The hash an event contributes to its election's digest: its stored `hash`, else the one recomputed from it. */
export function digestHashOf(event: {
  type: string;
  data: unknown;
  streamId: string;
  revision: number;
  metadata: Record<string, unknown>;
}): string {
  const stored = event.metadata?.hash;
  if (typeof stored === 'string' && /^[0-9a-f]{64}$/.test(stored)) return stored;
  const prev = event.metadata?.prevHash;
  return eventHash({ ...event, prevHash: typeof prev === 'string' ? prev : GENESIS_HASH });
}
