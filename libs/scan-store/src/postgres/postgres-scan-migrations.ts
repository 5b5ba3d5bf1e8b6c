import type { Pool } from 'pg';

interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Ordered, append-only: a released migration is never edited, a change is a new version. */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'scan blobs, content-addressed by SHA-256',
    sql: `
      CREATE TABLE IF NOT EXISTS scan_blobs (
        digest        text        PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
        content_type  text        NOT NULL,
        size          integer     NOT NULL CHECK (size >= 0),
        bytes         bytea       NOT NULL,
        stored_at     timestamptz NOT NULL DEFAULT now()
      );
      -- The bytes are already compressed (JPEG, PNG, PDF): store them out of line without another compression pass.
      ALTER TABLE scan_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
    `,
  },
];

/** Creates or upgrades the scan table; idempotent, and safe from several processes at once (advisory lock). */
export async function migratePostgresScanStore(pool: Pool): Promise<{ version: number; applied: number[] }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tally_scan_store_migrations'))`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS scan_schema_version (
        version     integer     PRIMARY KEY,
        description text        NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM scan_schema_version',
    );
    const current = rows[0]?.version ?? 0;
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO scan_schema_version (version, description) VALUES ($1, $2)', [
        migration.version,
        migration.description,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { version: Math.max(current, ...applied), applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
