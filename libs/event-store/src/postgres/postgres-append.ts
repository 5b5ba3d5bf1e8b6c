import type { ClientBase } from 'pg';
import {
  checkExpectedRevision,
  resolveAlreadyAppended,
  type StoredEventRef,
  validateEventsToAppend,
} from '../append-rules';
import { type AppendResult, type EventToAppend, type ExpectedRevision, START } from '../event-store.port';
import { EVENT_STORE_NOTIFY_CHANNEL } from './postgres-migrations';
import { toSafeNumber } from './postgres-rows';

/*
 * Ordering design: every append first locks the single es_log_head row (SELECT ... FOR UPDATE) and holds that lock
 * until its transaction ends. Appends therefore commit one after another, each taking the positions right after
 * the previous committed one, so positions are gapless and increase in commit order: a reader that sees position p
 * has already been able to see every position below p, and a subscription that remembers "last position seen"
 * can never skip an event that commits later with a lower position (that cannot happen). A rolled-back append
 * rolls back its head update too, so it leaves no gap either.
 *
 * Cost: appends do not overlap, so throughput is bounded by one commit (WAL flush) at a time; the bench measures
 * it (test/bench/event-store.bench.ts). The alternative, an xid8 column with a pg_snapshot_xmin() high-water
 * mark, lets appends overlap but makes readers hold back behind the oldest open transaction and leaves gaps;
 * tally sheets arrive at tens per second at peak, so the simpler, exactly ordered log wins.
 *
 * Group commit (postgres-group-commit.ts) keeps this design and amortises the flush instead: one transaction takes
 * the lock once and runs many appends, each in its own savepoint, then commits them with a single WAL flush.
 *
 * Holding the lock also makes the expected-revision and event-id checks below exact: nothing can be appended
 * between the check and the insert. This requires READ COMMITTED (the default), where each statement after the
 * lock sees everything committed before it was granted.
 */

interface StreamStateRow {
  kind: 'last' | 'existing';
  event_id: string;
  stream_id: string;
  revision: string;
  position: string;
}

const LOCK_HEAD_SQL = 'SELECT last_position FROM es_log_head FOR UPDATE';

const STREAM_STATE_SQL = `
  SELECT 'last' AS kind, event_id::text, stream_id, revision, position
    FROM (SELECT * FROM es_events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1) AS last_event
  UNION ALL
  SELECT 'existing' AS kind, event_id::text, stream_id, revision, position
    FROM es_events WHERE event_id = ANY($2::uuid[])`;

// Data-modifying CTEs run exactly once whether or not the final SELECT reads them. NOTIFY is delivered only on
// COMMIT, so a rolled-back append never wakes anyone for nothing. recorded_at is the time the head lock was held
// (clock_timestamp), not the transaction's start (now()), so times follow positions.
const INSERT_SQL = `
  WITH input AS (
    SELECT value, ord FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(value, ord)
  ), inserted AS (
    INSERT INTO es_events (position, event_id, stream_id, revision, type, data, metadata, recorded_at)
    SELECT $2::bigint + ord, (value->>'eventId')::uuid, $1, $3::bigint + ord, value->>'type', value->'data', value->'metadata',
           clock_timestamp()
      FROM input ORDER BY ord
  ), head AS (
    UPDATE es_log_head SET last_position = $2::bigint + $5::bigint
  )
  SELECT pg_notify($6, ($2::bigint + $5::bigint)::text)`;

/**
 * Appends inside a transaction the caller has begun (READ COMMITTED) and will commit or roll back. The log head
 * stays locked until then, so other appends wait: keep such transactions short.
 */
export async function appendInTransaction(
  client: ClientBase,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  validateEventsToAppend(streamId, events);
  const lastPosition = await lockLogHead(client);
  return (await appendAfterHead(client, lastPosition, streamId, events, expected)).result;
}

/**
 * The append proper, for a caller that already holds the head lock in this transaction and knows the last
 * position (group commit tracks it across its appends instead of re-reading it). Returns the new head too.
 */
export async function appendAfterHead(
  client: ClientBase,
  lastPosition: number,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): Promise<{ result: AppendResult; head: number }> {
  const state = await client.query<StreamStateRow>(STREAM_STATE_SQL, [
    streamId,
    events.map((e) => e.eventId),
  ]);
  const last = state.rows.find((row) => row.kind === 'last');
  const currentRevision = last ? toSafeNumber(last.revision) : undefined;
  const existing = state.rows.filter((row) => row.kind === 'existing').map(toStoredEventRef);

  if (existing.length > 0) {
    return { result: resolveAlreadyAppended(streamId, events, expected, existing), head: lastPosition };
  }
  checkExpectedRevision(streamId, expected, currentRevision);
  if (events.length === 0) {
    const position = last ? toSafeNumber(last.position) : START;
    return {
      result: { streamId, revision: currentRevision ?? START, position, alreadyStored: false },
      head: lastPosition,
    };
  }

  const baseRevision = currentRevision ?? START;
  await client.query(INSERT_SQL, [
    streamId,
    lastPosition,
    baseRevision,
    JSON.stringify(events.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata }))),
    events.length,
    EVENT_STORE_NOTIFY_CHANNEL,
  ]);
  const head = lastPosition + events.length;
  return {
    result: { streamId, revision: baseRevision + events.length, position: head, alreadyStored: false },
    head,
  };
}

/**
 * Locks the log head until the transaction ends and returns the last assigned position. Taking the lock again in
 * the same transaction is a no-op that still reads the current (own uncommitted) head.
 */
export async function lockLogHead(client: ClientBase): Promise<number> {
  const { rows } = await client.query<{ last_position: string }>(LOCK_HEAD_SQL);
  const row = rows[0];
  if (!row) throw new Error('es_log_head is empty: run migratePostgresEventStore() first');
  return toSafeNumber(row.last_position);
}

function toStoredEventRef(row: StreamStateRow): StoredEventRef {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: toSafeNumber(row.revision),
    position: toSafeNumber(row.position),
  };
}
