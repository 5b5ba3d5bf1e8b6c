import { createHash } from 'node:crypto';

/** The bytes of one scan and what they are. */
export interface StoredScan {
  digest: string;
  contentType: string;
  size: number;
  bytes: Buffer;
}

/** Lowercase hex SHA-256: the address of a scan in every store. */
export function scanDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Where the scanned counting records live, content-addressed by SHA-256: the same bytes are stored once, under their
 * digest, and never change. A port (and a Nest injection token) with two adapters that pass one contract suite:
 * PostgreSQL (the default, a bytea table) and an S3-compatible bucket.
 */
export abstract class ScanStore {
  abstract readonly name: 'postgres' | 's3';

  /** Creates what the store needs (table, bucket); idempotent. */
  abstract init(): Promise<void>;

  /**
   * Stores the bytes under their digest and resolves once they are durable. Storing bytes that are already there is a
   * no-op (the first content type stays).
   */
  abstract put(bytes: Buffer, contentType: string): Promise<{ digest: string; size: number }>;

  /** The bytes stored under `digest`, as stored (a verifier hashes them again); undefined when there are none. */
  abstract get(digest: string): Promise<StoredScan | undefined>;

  abstract close(): Promise<void>;
}
