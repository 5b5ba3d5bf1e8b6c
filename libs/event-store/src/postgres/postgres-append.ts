import type { ClientBase, Pool } from 'pg';
import {
  resolveAlreadyAppended,
  type StoredEventRef,
  validateAppendCondition,
  validateEventsToAppend,
} from '../append-rules';
import {
  type AppendCondition,
  AppendConditionFailedError,
  type AppendOptions,
  type AppendResult,
  type EventToAppend,
  type ExpectedRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { toSafeNumber } from './postgres-rows';

/*
 * Ordering design: every append first locks the single es_log_head row (SELECT ... FOR UPDATE) and holds that lock
 * until its transaction ends. Appends therefore commit one after another, each taking the positions right after
 * the previous committed one, so positions are gapless and increase in commit order: a reader that sees position p
 * has already been able to see every position below p, and a subscription that remembers "last position seen"
 * can never skip an event that commits later with a lower position (that cannot happen). A rolled-back append
 * rolls back its head update too, so it leaves no gap either.
 *
 * The alternative, an xid8 column with a pg_snapshot_xmin() high-water mark, lets appends overlap but makes readers
 * hold back behind the oldest open transaction and leaves gaps; the exactly ordered log is simpler to trust.
 *
 * Cost: the lock makes commits take turns, so throughput comes from doing many appends per commit and few round
 * trips per commit. The whole append (lock, id lookup, expected-revision check, insert, head update, NOTIFY) is one
 * PL/pgSQL function, es_append (postgres-migrations.ts), that takes a batch of appends: group commit
 * (postgres-group-commit.ts) sends all its waiting appends in one call and gets one outcome per append back. Called
 * outside a transaction the call is its own transaction, so a batch costs one round trip and one WAL flush.
 *
 * Holding the lock also makes the expected-revision, condition and event-id checks exact: nothing can be appended
 * between the check and the insert. A condition ("stream S is at revision R") names any stream, so a decision made
 * on S without reading it (a cached copy) is stored only if S had not moved by the time of the append. This requires
 * READ COMMITTED (the default), where each statement of the function after the lock sees everything committed
 * before it was granted.
 */

/** One append of a batch, as es_append receives it. */
export interface AppendRequest {
  streamId: string;
  events: EventToAppend[];
  expected: ExpectedRevision;
  condition?: AppendCondition;
}

/** What became of one append of a batch: its result, or the error its caller gets. */
export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

interface AppendRow {
  outcome: 'stored' | 'existing' | 'wrong_expected_revision' | 'condition_failed';
  revision: string | null;
  last_position: string | null;
  existing: StoredEventRef[] | null;
}

// Named, so each connection parses and plans it once.
const APPEND_QUERY_NAME = 'es_append';
const APPEND_SQL = 'SELECT outcome, revision, last_position, existing FROM es_append($1::json)';

/**
 * Runs the appends in one es_append call, in order; each sees the ones before it and gets its own outcome (stored,
 * replayed, or refused: condition failed, wrong expected revision, duplicate event id). Outside a transaction the
 * call commits on its own before it returns (one round trip, one flush); inside the caller's transaction it holds
 * the head lock until the caller ends it. Rejects when the call fails (an SQL error of any append, the COMMIT, the
 * connection): then none of the batch is stored. Requests must have passed validateEventsToAppend() and
 * validateAppendCondition().
 */
export async function appendBatch(
  client: ClientBase | Pool,
  requests: AppendRequest[],
): Promise<AppendOutcome[]> {
  const payload = JSON.stringify(
    requests.map(({ streamId, events, expected, condition }) => ({
      s: streamId,
      x: String(expected),
      e: events.map(({ eventId, type, data, metadata }) => ({ i: eventId, t: type, d: data, m: metadata })),
      ...(condition ? { c: { s: condition.streamId, r: String(condition.revision) } } : {}),
    })),
  );
  const { rows } = await client.query<AppendRow>({
    name: APPEND_QUERY_NAME,
    text: APPEND_SQL,
    values: [payload],
  });
  if (rows.length !== requests.length)
    throw new Error(`es_append answered ${rows.length} outcomes for ${requests.length} appends`);
  return requests.map((request, index) => toOutcome(request, rows[index] as AppendRow));
}

/**
 * Appends inside a transaction the caller has begun (READ COMMITTED) and will commit or roll back. The log head
 * stays locked until then, so other appends wait: keep such transactions short. A refused append (condition failed,
 * wrong expected revision, duplicate id) leaves the caller's transaction usable; an SQL error aborts it, as any
 * failed statement. The condition is judged in the caller's transaction: its own earlier appends count.
 */
export async function appendInTransaction(
  client: ClientBase,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
  options: AppendOptions = {},
): Promise<AppendResult> {
  validateEventsToAppend(streamId, events);
  validateAppendCondition(options.condition);
  const [outcome] = await appendBatch(client, [{ streamId, events, expected, condition: options.condition }]);
  if (!outcome) throw new Error('es_append answered no outcome');
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

/** A unique violation can only come from a writer that bypassed the head lock (a manual insert): worth a retry. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '23505';
}

function toOutcome({ streamId, events, expected, condition }: AppendRequest, row: AppendRow): AppendOutcome {
  switch (row.outcome) {
    case 'stored':
      return {
        ok: true,
        result: {
          streamId,
          revision: toSafeNumber(row.revision ?? ''),
          position: toSafeNumber(row.last_position ?? ''),
          alreadyStored: false,
        },
      };
    case 'existing':
      try {
        const existing = (row.existing ?? []).map((ref) => ({
          ...ref,
          revision: toSafeNumber(ref.revision),
          position: toSafeNumber(ref.position),
        }));
        return { ok: true, result: resolveAlreadyAppended(streamId, events, expected, existing) };
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    case 'wrong_expected_revision':
      return {
        ok: false,
        error: new WrongExpectedRevisionError(
          streamId,
          expected,
          row.revision === null ? 'no_stream' : toSafeNumber(row.revision),
        ),
      };
    case 'condition_failed':
      if (!condition) throw new Error('es_append failed a condition the append did not carry');
      return {
        ok: false,
        error: new AppendConditionFailedError(
          condition.streamId,
          condition.revision,
          row.revision === null ? 'no_stream' : toSafeNumber(row.revision),
        ),
      };
    default: {
      const unknown: never = row.outcome;
      throw new Error(`es_append answered an unknown outcome ${String(unknown)}`);
    }
  }
}
