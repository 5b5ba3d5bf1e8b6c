import type { Pool } from 'pg';

/** NOTIFY channel an append signals on; subscriptions LISTEN to it to wake up before their fallback poll. */
export const EVENT_STORE_NOTIFY_CHANNEL = 'tally_event_store_appended';

export const EVENT_STORE_SCHEMA_VERSION = 3;

/**
 * es_append(appends json) as released in version 2: see APPEND_FUNCTION_V3_SQL for what it does (version 3 adds the
 * append condition and nothing else).
 */
const APPEND_FUNCTION_SQL = `
  CREATE OR REPLACE FUNCTION es_append(p_appends json)
  RETURNS TABLE (outcome text, revision bigint, last_position bigint, existing json)
  LANGUAGE plpgsql AS $es_append$
  DECLARE
    v_start bigint;
    v_head  bigint;
    v_count integer;
    -- One element per append, in call order.
    a_stream   text[];
    a_expected text[];
    a_count    integer[];
    a_outcome text[];
    a_revision bigint[];
    a_position bigint[];
    a_existing json[];
    -- Where an accepted append's events go: after these (NULL: the append writes nothing).
    a_base_revision bigint[];
    a_base_position bigint[];
    -- One element per event, appends in call order.
    e_id uuid[];
    v_repeats boolean;
    -- The batch's streams with their last revision and its position (NULL: no stream), kept along the batch.
    s_stream   text[];
    s_revision bigint[];
    s_position bigint[];
    -- Stored places of the event ids the batch carries, from the table and from earlier appends of the batch.
    f_id       uuid[];
    f_stream   text[];
    f_revision bigint[];
    f_position bigint[];
    v_check_ids boolean;
    v_refs  json[];
    v_first integer := 1;
    v_current bigint;
    v_now timestamptz;
    i integer;
    j integer;
    k integer;
  BEGIN
    SELECT h.last_position INTO v_head FROM es_log_head h FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'es_log_head is empty: run migratePostgresEventStore() first';
    END IF;
    v_start := v_head;

    SELECT coalesce(array_agg(a.value->>'s' ORDER BY a.ord), '{}'),
           coalesce(array_agg(a.value->>'x' ORDER BY a.ord), '{}'),
           coalesce(array_agg(json_array_length(a.value->'e') ORDER BY a.ord), '{}')
      INTO a_stream, a_expected, a_count
      FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord);
    -- Sized up front: assigning element i of an empty array would start it at i, not at 1.
    a_outcome := array_fill(NULL::text, ARRAY[cardinality(a_stream)]);
    a_revision := array_fill(NULL::bigint, ARRAY[cardinality(a_stream)]);
    a_position := a_revision;
    a_base_revision := a_revision;
    a_base_position := a_revision;
    a_existing := array_fill(NULL::json, ARRAY[cardinality(a_stream)]);

    SELECT coalesce(array_agg(t.id ORDER BY t.a_ord, t.e_ord), '{}'), count(DISTINCT t.id) <> count(*)
      INTO e_id, v_repeats
      FROM (SELECT (e.value->>'i')::uuid AS id, a.ord AS a_ord, e.ord AS e_ord
              FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord)
             CROSS JOIN LATERAL json_array_elements(a.value->'e') WITH ORDINALITY AS e(value, ord)) AS t;

    SELECT coalesce(array_agg(x.event_id), '{}'), coalesce(array_agg(x.stream_id), '{}'),
           coalesce(array_agg(x.revision), '{}'), coalesce(array_agg(x.position), '{}')
      INTO f_id, f_stream, f_revision, f_position
      FROM es_events x WHERE x.event_id = ANY(e_id);
    -- The usual batch repeats no id: then no append needs to look for its ids one by one.
    v_check_ids := v_repeats OR cardinality(f_id) > 0;

    SELECT array_agg(s.stream_id), array_agg(l.revision), array_agg(l.position)
      INTO s_stream, s_revision, s_position
      FROM (SELECT DISTINCT unnest(a_stream) AS stream_id) AS s
      LEFT JOIN LATERAL (SELECT x.revision, x.position FROM es_events x
                          WHERE x.stream_id = s.stream_id ORDER BY x.revision DESC LIMIT 1) AS l ON true;

    FOR i IN 1 .. cardinality(a_stream) LOOP
      v_count := a_count[i];
      v_refs := NULL;
      IF v_check_ids THEN
        FOR j IN v_first .. v_first + v_count - 1 LOOP
          k := array_position(f_id, e_id[j]);
          IF k IS NOT NULL THEN
            v_refs := v_refs || json_build_object('eventId', f_id[k], 'streamId', f_stream[k],
                                                  'revision', f_revision[k], 'position', f_position[k]);
          END IF;
        END LOOP;
      END IF;
      k := array_position(s_stream, a_stream[i]);
      v_current := s_revision[k];

      IF v_refs IS NOT NULL THEN
        a_outcome[i] := 'existing';
        a_existing[i] := array_to_json(v_refs);
      ELSIF NOT (a_expected[i] = 'any'
                 OR (a_expected[i] = 'no_stream' AND v_current IS NULL)
                 OR (a_expected[i] NOT IN ('any', 'no_stream') AND v_current IS NOT NULL
                     AND v_current = a_expected[i]::bigint)) THEN
        a_outcome[i] := 'wrong_expected_revision';
        a_revision[i] := v_current;
      ELSIF v_count = 0 THEN
        a_outcome[i] := 'stored';
        a_revision[i] := coalesce(v_current, -1);
        a_position[i] := coalesce(s_position[k], -1);
      ELSE
        a_base_revision[i] := coalesce(v_current, -1);
        a_base_position[i] := v_head;
        IF v_check_ids THEN
          FOR j IN 1 .. v_count LOOP
            f_id := f_id || e_id[v_first + j - 1];
            f_stream := f_stream || a_stream[i];
            f_revision := f_revision || (a_base_revision[i] + j);
            f_position := f_position || (v_head + j);
          END LOOP;
        END IF;
        v_head := v_head + v_count;
        s_revision[k] := a_base_revision[i] + v_count;
        s_position[k] := v_head;
        a_outcome[i] := 'stored';
        a_revision[i] := s_revision[k];
        a_position[i] := v_head;
      END IF;
      v_first := v_first + v_count;
    END LOOP;

    IF v_head > v_start THEN
      -- One recording time for the batch, taken under the head lock (clock_timestamp, not the transaction's
      -- start): times never decrease along positions.
      v_now := clock_timestamp();
      INSERT INTO es_events (position, event_id, stream_id, revision, type, data, metadata, recorded_at)
      SELECT a_base_position[a.ord::integer] + e.ord, (e.value->>'i')::uuid, a.value->>'s',
             a_base_revision[a.ord::integer] + e.ord, e.value->>'t', (e.value->'d')::jsonb,
             (e.value->'m')::jsonb, v_now
        FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord)
       CROSS JOIN LATERAL json_array_elements(a.value->'e') WITH ORDINALITY AS e(value, ord)
       WHERE a_base_position[a.ord::integer] IS NOT NULL;
      UPDATE es_log_head SET last_position = v_head;
      -- Delivered on COMMIT only, so a rolled-back batch never wakes anyone for nothing.
      PERFORM pg_notify('${EVENT_STORE_NOTIFY_CHANNEL}', v_head::text);
    END IF;

    RETURN QUERY
      SELECT o.outcome, o.revision, o.last_position, o.existing
        FROM unnest(a_outcome, a_revision, a_position, a_existing)
             WITH ORDINALITY AS o(outcome, revision, last_position, existing, ord)
       ORDER BY o.ord;
  END
  $es_append$;
`;

/**
 * es_append(appends json), version 3: the whole append path for a batch of appends in one call (see
 * postgres-append.ts for the input and the outcomes). Set-based, so a batch costs a handful of statements whatever
 * its size:
 *
 * 1. lock the log head (held until the transaction ends: commits take turns, positions stay gapless);
 * 2. read the batch's event ids that are already stored, and the last revision of each stream the batch appends to
 *    or names in a condition;
 * 3. decide each append in order, in memory: ids already stored (in the table or by an earlier append of the
 *    batch) mean nothing is written and the stored places come back for the idempotence rule in append-rules.ts;
 *    otherwise the append's condition, if it has one ("stream S is at revision R", R a revision or no_stream), is
 *    checked against S as the earlier appends left it (not holding: S's actual revision comes back), then the
 *    expected revision exactly against the stream as the earlier appends left it (wrong: the actual revision comes
 *    back), and an accepted append takes the positions right after the previous one;
 * 4. insert the accepted appends' events in one statement, move the head, NOTIFY once.
 *
 * A refusal (step 3) writes nothing and leaves no gap. An SQL error (e.g. jsonb refusing \u0000 in one event's
 * data) fails the whole call and so stores none of the batch; the caller then re-runs the appends one per call,
 * so that only the failing one is refused (postgres-group-commit.ts). No subtransactions: readers' snapshots stay
 * small however large the batch.
 *
 * The input is json, not jsonb: parsing it only checks syntax, so an event jsonb would refuse fails in step 4 only
 * if its append was accepted.
 */
const APPEND_FUNCTION_V3_SQL = `
  CREATE OR REPLACE FUNCTION es_append(p_appends json)
  RETURNS TABLE (outcome text, revision bigint, last_position bigint, existing json)
  LANGUAGE plpgsql AS $es_append$
  DECLARE
    v_start bigint;
    v_head  bigint;
    v_count integer;
    -- One element per append, in call order.
    a_stream   text[];
    a_expected text[];
    a_count    integer[];
    -- The append's condition, "stream c_stream is at revision c_revision" ('no_stream'); NULL: none.
    c_stream   text[];
    c_revision text[];
    v_cond bigint;
    v_cond_failed boolean;
    a_outcome text[];
    a_revision bigint[];
    a_position bigint[];
    a_existing json[];
    -- Where an accepted append's events go: after these (NULL: the append writes nothing).
    a_base_revision bigint[];
    a_base_position bigint[];
    -- One element per event, appends in call order.
    e_id uuid[];
    v_repeats boolean;
    -- The batch's streams with their last revision and its position (NULL: no stream), kept along the batch.
    s_stream   text[];
    s_revision bigint[];
    s_position bigint[];
    -- Stored places of the event ids the batch carries, from the table and from earlier appends of the batch.
    f_id       uuid[];
    f_stream   text[];
    f_revision bigint[];
    f_position bigint[];
    v_check_ids boolean;
    v_refs  json[];
    v_first integer := 1;
    v_current bigint;
    v_now timestamptz;
    i integer;
    j integer;
    k integer;
  BEGIN
    SELECT h.last_position INTO v_head FROM es_log_head h FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'es_log_head is empty: run migratePostgresEventStore() first';
    END IF;
    v_start := v_head;

    SELECT coalesce(array_agg(a.value->>'s' ORDER BY a.ord), '{}'),
           coalesce(array_agg(a.value->>'x' ORDER BY a.ord), '{}'),
           coalesce(array_agg(json_array_length(a.value->'e') ORDER BY a.ord), '{}'),
           coalesce(array_agg(a.value->'c'->>'s' ORDER BY a.ord), '{}'),
           coalesce(array_agg(a.value->'c'->>'r' ORDER BY a.ord), '{}')
      INTO a_stream, a_expected, a_count, c_stream, c_revision
      FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord);
    -- Sized up front: assigning element i of an empty array would start it at i, not at 1.
    a_outcome := array_fill(NULL::text, ARRAY[cardinality(a_stream)]);
    a_revision := array_fill(NULL::bigint, ARRAY[cardinality(a_stream)]);
    a_position := a_revision;
    a_base_revision := a_revision;
    a_base_position := a_revision;
    a_existing := array_fill(NULL::json, ARRAY[cardinality(a_stream)]);

    SELECT coalesce(array_agg(t.id ORDER BY t.a_ord, t.e_ord), '{}'), count(DISTINCT t.id) <> count(*)
      INTO e_id, v_repeats
      FROM (SELECT (e.value->>'i')::uuid AS id, a.ord AS a_ord, e.ord AS e_ord
              FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord)
             CROSS JOIN LATERAL json_array_elements(a.value->'e') WITH ORDINALITY AS e(value, ord)) AS t;

    SELECT coalesce(array_agg(x.event_id), '{}'), coalesce(array_agg(x.stream_id), '{}'),
           coalesce(array_agg(x.revision), '{}'), coalesce(array_agg(x.position), '{}')
      INTO f_id, f_stream, f_revision, f_position
      FROM es_events x WHERE x.event_id = ANY(e_id);
    -- The usual batch repeats no id: then no append needs to look for its ids one by one.
    v_check_ids := v_repeats OR cardinality(f_id) > 0;

    -- The streams conditions name are followed along the batch like the appended ones: a condition is judged
    -- against its stream as the earlier appends of the batch left it.
    SELECT array_agg(s.stream_id), array_agg(l.revision), array_agg(l.position)
      INTO s_stream, s_revision, s_position
      FROM (SELECT DISTINCT unnest(a_stream || c_stream) AS stream_id) AS s
      LEFT JOIN LATERAL (SELECT x.revision, x.position FROM es_events x
                          WHERE x.stream_id = s.stream_id ORDER BY x.revision DESC LIMIT 1) AS l ON true
     WHERE s.stream_id IS NOT NULL;

    FOR i IN 1 .. cardinality(a_stream) LOOP
      v_count := a_count[i];
      v_refs := NULL;
      IF v_check_ids THEN
        FOR j IN v_first .. v_first + v_count - 1 LOOP
          k := array_position(f_id, e_id[j]);
          IF k IS NOT NULL THEN
            v_refs := v_refs || json_build_object('eventId', f_id[k], 'streamId', f_stream[k],
                                                  'revision', f_revision[k], 'position', f_position[k]);
          END IF;
        END LOOP;
      END IF;
      v_cond := NULL;
      v_cond_failed := false;
      IF c_stream[i] IS NOT NULL THEN
        v_cond := s_revision[array_position(s_stream, c_stream[i])];
        IF c_revision[i] = 'no_stream' THEN
          v_cond_failed := v_cond IS NOT NULL;
        ELSE
          v_cond_failed := v_cond IS DISTINCT FROM c_revision[i]::bigint;
        END IF;
      END IF;
      k := array_position(s_stream, a_stream[i]);
      v_current := s_revision[k];

      IF v_refs IS NOT NULL THEN
        a_outcome[i] := 'existing';
        a_existing[i] := array_to_json(v_refs);
      ELSIF v_cond_failed THEN
        a_outcome[i] := 'condition_failed';
        a_revision[i] := v_cond;
      ELSIF NOT (a_expected[i] = 'any'
                 OR (a_expected[i] = 'no_stream' AND v_current IS NULL)
                 OR (a_expected[i] NOT IN ('any', 'no_stream') AND v_current IS NOT NULL
                     AND v_current = a_expected[i]::bigint)) THEN
        a_outcome[i] := 'wrong_expected_revision';
        a_revision[i] := v_current;
      ELSIF v_count = 0 THEN
        a_outcome[i] := 'stored';
        a_revision[i] := coalesce(v_current, -1);
        a_position[i] := coalesce(s_position[k], -1);
      ELSE
        a_base_revision[i] := coalesce(v_current, -1);
        a_base_position[i] := v_head;
        IF v_check_ids THEN
          FOR j IN 1 .. v_count LOOP
            f_id := f_id || e_id[v_first + j - 1];
            f_stream := f_stream || a_stream[i];
            f_revision := f_revision || (a_base_revision[i] + j);
            f_position := f_position || (v_head + j);
          END LOOP;
        END IF;
        v_head := v_head + v_count;
        s_revision[k] := a_base_revision[i] + v_count;
        s_position[k] := v_head;
        a_outcome[i] := 'stored';
        a_revision[i] := s_revision[k];
        a_position[i] := v_head;
      END IF;
      v_first := v_first + v_count;
    END LOOP;

    IF v_head > v_start THEN
      -- One recording time for the batch, taken under the head lock (clock_timestamp, not the transaction's
      -- start): times never decrease along positions.
      v_now := clock_timestamp();
      INSERT INTO es_events (position, event_id, stream_id, revision, type, data, metadata, recorded_at)
      SELECT a_base_position[a.ord::integer] + e.ord, (e.value->>'i')::uuid, a.value->>'s',
             a_base_revision[a.ord::integer] + e.ord, e.value->>'t', (e.value->'d')::jsonb,
             (e.value->'m')::jsonb, v_now
        FROM json_array_elements(p_appends) WITH ORDINALITY AS a(value, ord)
       CROSS JOIN LATERAL json_array_elements(a.value->'e') WITH ORDINALITY AS e(value, ord)
       WHERE a_base_position[a.ord::integer] IS NOT NULL;
      UPDATE es_log_head SET last_position = v_head;
      -- Delivered on COMMIT only, so a rolled-back batch never wakes anyone for nothing.
      PERFORM pg_notify('${EVENT_STORE_NOTIFY_CHANNEL}', v_head::text);
    END IF;

    RETURN QUERY
      SELECT o.outcome, o.revision, o.last_position, o.existing
        FROM unnest(a_outcome, a_revision, a_position, a_existing)
             WITH ORDINALITY AS o(outcome, revision, last_position, existing, ord)
       ORDER BY o.ord;
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
  {
    version: 3,
    description: 'es_append: an append may carry a condition on another stream',
    sql: APPEND_FUNCTION_V3_SQL,
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
