import type { Pool } from 'pg';

/** NOTIFY channel an append signals on; subscriptions LISTEN to it to wake up before their fallback poll. */
export const EVENT_STORE_NOTIFY_CHANNEL = 'tally_event_store_appended';

export const EVENT_STORE_SCHEMA_VERSION = 1;

interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Ordered, append-only list: a released migration is never edited, a change is a new version.
 *
 * es_log_head is a single row holding the last assigned global position. Every append locks it for the length of
 * its transaction, which serialises appends: positions are handed out gaplessly and in commit order, so a reader
 * that has seen position p has already seen everything below p (see postgres-append.ts).
 */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'events table and log head',
    sql: `
      CREATE TABLE IF NOT EXISTS es_events (
        position    bigint      PRIMARY KEY,
        event_id    uuid        NOT NULL UNIQUE,
        stream_id   text        NOT NULL,
        revision    bigint      NOT NULL,
        type        text        NOT NULL,
        data        jsonb       NOT NULL,
        metadata    jsonb       NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT es_events_stream_revision_key UNIQUE (stream_id, revision),
        CONSTRAINT es_events_revision_check CHECK (revision >= 0),
        CONSTRAINT es_events_position_check CHECK (position >= 0)
      );
      CREATE TABLE IF NOT EXISTS es_log_head (
        id            boolean PRIMARY KEY DEFAULT true CHECK (id),
        last_position bigint  NOT NULL
      );
      INSERT INTO es_log_head (id, last_position) VALUES (true, -1) ON CONFLICT (id) DO NOTHING;
    `,
  },
];

/**
 * Creates or upgrades the event store tables. Idempotent and safe to call from several processes at once: an
 * advisory lock makes concurrent callers take turns, and each version is applied at most once.
 */
export async function migratePostgresEventStore(pool: Pool): Promise<{ version: number; applied: number[] }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Transaction-scoped, so it is released by COMMIT/ROLLBACK even if this process dies mid-migration.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tally_event_store_migrations'))`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS es_schema_version (
        version     integer     PRIMARY KEY,
        description text        NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM es_schema_version',
    );
    const current = rows[0]?.version ?? 0;
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO es_schema_version (version, description) VALUES ($1, $2)', [
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
