import type { Pool } from 'pg';

/** NOTIFY channel an append signals on; subscriptions LISTEN to it to wake up before their fallback poll. */
export const EVENT_STORE_NOTIFY_CHANNEL = 'tally_event_store_appended';

export const EVENT_STORE_SCHEMA_VERSION = 2;

/**
 * es_append(appends json): the whole append path in one call, so a batch of appends costs one round trip (see
 * postgres-append.ts for the input and the outcomes). It locks the log head, then for each append in order: looks
 * for its event ids (found: nothing is written and the stored places come back for the idempotence rule in
 * append-rules.ts), checks the expected revision exactly (wrong: the actual revision comes back), and inserts at
 * the positions right after the previous append. Each append runs in its own exception block (a subtransaction),
 * so an SQL error of one append (e.g. jsonb refusing \u0000) undoes only that append and becomes its outcome.
 * The head is updated and NOTIFY sent once, at the end; a failed append has not moved the head, so no gap.
 *
 * The input is json, not jsonb, so one bad event cannot fail the parsing of the whole batch: each event's data and
 * metadata are cast to jsonb inside its own append's block.
 */
const APPEND_FUNCTION_SQL = `
  CREATE OR REPLACE FUNCTION es_append(p_appends json)
  RETURNS TABLE (outcome text, revision bigint, last_position bigint, existing json, error_code text, error_message text)
  LANGUAGE plpgsql AS $es_append$
  DECLARE
    v_start  bigint;
    v_head   bigint;
    v_append json;
    v_stream text;
    v_expected text;
    v_events json;
    v_count  integer;
    v_existing json;
    v_revision bigint;
    v_position bigint;
  BEGIN
    SELECT h.last_position INTO v_head FROM es_log_head h FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'es_log_head is empty: run migratePostgresEventStore() first';
    END IF;
    v_start := v_head;
    FOR v_append IN SELECT a.value FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord) ORDER BY a.ord
    LOOP
      BEGIN
        v_stream := v_append->>'s';
        v_expected := v_append->>'x';
        v_events := v_append->'e';
        v_count := json_array_length(v_events);

        SELECT json_agg(json_build_object('eventId', x.event_id, 'streamId', x.stream_id,
                                          'revision', x.revision, 'position', x.position))
          INTO v_existing
          FROM es_events x
         WHERE x.event_id IN (SELECT (e->>'i')::uuid FROM json_array_elements(v_events) AS e);
        IF v_existing IS NOT NULL THEN
          RETURN QUERY SELECT 'existing'::text, NULL::bigint, NULL::bigint, v_existing, NULL::text, NULL::text;
          CONTINUE;
        END IF;

        -- No row: both become NULL, the stream does not exist.
        SELECT x.revision, x.position INTO v_revision, v_position
          FROM es_events x WHERE x.stream_id = v_stream ORDER BY x.revision DESC LIMIT 1;
        IF NOT (v_expected = 'any'
                OR (v_expected = 'no_stream' AND v_revision IS NULL)
                OR (v_expected NOT IN ('any', 'no_stream') AND v_revision IS NOT NULL
                    AND v_revision = v_expected::bigint)) THEN
          RETURN QUERY SELECT 'wrong_expected_revision'::text, v_revision, NULL::bigint, NULL::json, NULL::text, NULL::text;
          CONTINUE;
        END IF;
        v_revision := coalesce(v_revision, -1);
        IF v_count = 0 THEN
          RETURN QUERY SELECT 'stored'::text, v_revision, coalesce(v_position, -1), NULL::json, NULL::text, NULL::text;
          CONTINUE;
        END IF;

        -- recorded_at is the time under the head lock (clock_timestamp), not the transaction's start, so times
        -- follow positions.
        INSERT INTO es_events (position, event_id, stream_id, revision, type, data, metadata, recorded_at)
        SELECT v_head + e.ord, (e.value->>'i')::uuid, v_stream, v_revision + e.ord, e.value->>'t',
               (e.value->'d')::jsonb, (e.value->'m')::jsonb, clock_timestamp()
          FROM json_array_elements(v_events) WITH ORDINALITY AS e(value, ord)
         ORDER BY e.ord;
        v_head := v_head + v_count;
        RETURN QUERY SELECT 'stored'::text, v_revision + v_count, v_head, NULL::json, NULL::text, NULL::text;
      EXCEPTION WHEN OTHERS THEN
        RETURN QUERY SELECT 'error'::text, NULL::bigint, NULL::bigint, NULL::json, SQLSTATE::text, SQLERRM::text;
      END;
    END LOOP;
    IF v_head > v_start THEN
      UPDATE es_log_head SET last_position = v_head;
      -- Delivered on COMMIT only, so a rolled-back batch never wakes anyone for nothing.
      PERFORM pg_notify('${EVENT_STORE_NOTIFY_CHANNEL}', v_head::text);
    END IF;
  END
  $es_append$;
`;

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
  {
    version: 2,
    description: 'es_append: a batch of appends in one call',
    sql: APPEND_FUNCTION_SQL,
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
