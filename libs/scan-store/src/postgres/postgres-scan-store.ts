import { Pool } from 'pg';
import { scanDigest, ScanStore, StoredScan } from '../scan-store.port';
import { migratePostgresScanStore } from './postgres-scan-migrations';

/** Scans in a PostgreSQL table (bytea), next to the events: the embedded default. */
export class PostgresScanStore extends ScanStore {
  readonly name = 'postgres' as const;
  readonly pool: Pool;
  private readonly ownsPool: boolean;

  constructor(connection: string | Pool) {
    super();
    this.ownsPool = typeof connection === 'string';
    this.pool = this.ownsPool
      ? new Pool({ connectionString: connection as string, max: 4 })
      : (connection as Pool);
    // An idle client's network error is reported on the pool; unhandled, it would crash the process.
    if (this.ownsPool) this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    await migratePostgresScanStore(this.pool);
  }

  async put(bytes: Buffer, contentType: string): Promise<{ digest: string; size: number }> {
    const digest = scanDigest(bytes);
    // Committed (synchronous_commit) before the promise resolves: the caller may then reference the digest.
    await this.pool.query(
      `INSERT INTO scan_blobs (digest, content_type, size, bytes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (digest) DO NOTHING`,
      [digest, contentType, bytes.length, bytes],
    );
    return { digest, size: bytes.length };
  }

  async get(digest: string): Promise<StoredScan | undefined> {
    const { rows } = await this.pool.query<{ content_type: string; size: number; bytes: Buffer }>(
      'SELECT content_type, size, bytes FROM scan_blobs WHERE digest = $1',
      [digest],
    );
    if (rows.length === 0) return undefined;
    const [row] = rows;
    return { digest, contentType: row.content_type, size: Number(row.size), bytes: row.bytes };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
