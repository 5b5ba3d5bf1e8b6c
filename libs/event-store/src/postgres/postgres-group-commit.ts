import type { Pool, PoolClient } from 'pg';
import { validateEventsToAppend } from '../append-rules';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port';
import { appendAfterHead, lockLogHead } from './postgres-append';

/*
 * Application-level group commit. One append per transaction pays one WAL flush while holding the log head lock
 * (postgres-append.ts), so commits never share a flush and throughput is about one append per fsync. Here the
 * appends of one PostgresEventStore wait in a queue while a batch transaction is in flight; the next transaction
 * takes all of them (up to maxAppends / maxEvents) and runs them one after another under the same head lock:
 *
 *   BEGIN; lock head; { [RELEASE SAVEPOINT;] SAVEPOINT; append [; ROLLBACK TO SAVEPOINT] } per append; COMMIT
 *
 * - Order and gaplessness are unchanged: the head lock is held from before the first append until COMMIT, each
 *   append takes the positions right after the previous one in the same transaction, and an append that fails is
 *   rolled back to its savepoint, head update included, so it leaves no gap.
 * - The lock is taken outside any savepoint, so rolling back a savepoint cannot release it.
 * - Round trips dominate a batch once the flush is shared (node-postgres does not pipeline), so an append costs
 *   three: the savepoint (releasing the previous one in the same message), the stream state, the insert. The head
 *   is read once per batch and then tracked here rather than re-read per append. A batch of one append (a lone
 *   writer) skips the savepoint and so costs what a transaction per append costs.
 * - Appends see the earlier appends of their batch (same transaction), so expected-revision, duplicate-id and
 *   idempotence checks run exactly as if the appends had committed one by one in queue order.
 * - Nobody is answered before COMMIT returns: a result (or an error computed against the batch's uncommitted
 *   state) is only true if the batch commits. If COMMIT (or the connection) fails, every caller of the batch is
 *   rejected with that error and none of the batch is stored (unless the connection was lost after the server
 *   committed: the usual ambiguity of any COMMIT). Retries are safe: re-appending the same event ids is idempotent.
 */

export interface GroupCommitOptions {
  /**
   * Appends per transaction (default 64). Every append that writes runs in a subtransaction with its own xid;
   * PostgreSQL caches up to 64 of them per backend, beyond that other sessions' snapshots "overflow" and need
   * pg_subtrans lookups, so more per batch costs every reader while the batch is open.
   */
  maxAppends?: number;
  /** Events per transaction (default 5,000); a single larger append still runs, alone. */
  maxEvents?: number;
}

interface QueuedAppend {
  streamId: string;
  events: EventToAppend[];
  expected: ExpectedRevision;
  /** Runs so far that failed with a unique violation (see appendInSavepoint). */
  attempts: number;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

const UNIQUE_VIOLATION = '23505';
const APPEND_ATTEMPTS = 3;
const SAVEPOINT = 'group_commit_append';

export class GroupCommitQueue {
  private readonly queue: QueuedAppend[] = [];
  private draining: Promise<void> | undefined;
  private readonly maxAppends: number;
  private readonly maxEvents: number;
  /** Transactions run and appends they carried (whatever their outcome), for benches and specs. */
  readonly stats = { batches: 0, appends: 0 };

  constructor(
    private readonly pool: Pool,
    options: GroupCommitOptions = {},
  ) {
    this.maxAppends = Math.max(1, options.maxAppends ?? 64);
    this.maxEvents = Math.max(1, options.maxEvents ?? 5_000);
  }

  // Async so that a request no adapter can store rejects here, before it joins (and touches) a batch.
  async append(streamId: string, events: EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    validateEventsToAppend(streamId, events);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events, expected, attempts: 1, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once every queued append has been answered. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.runBatch();
    } finally {
      this.draining = undefined;
    }
  }

  /** Never throws: every caller of the batch is answered one way or the other. */
  private async runBatch(): Promise<void> {
    let client: PoolClient | undefined;
    let batch: QueuedAppend[] | undefined;
    let broken: Error | undefined;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      let head = await lockLogHead(client);
      // Taken only now: appends that arrived while this batch waited for a connection or the lock join it.
      batch = this.take();
      const outcomes: Outcome[] = [];
      const [only] = batch;
      if (batch.length === 1 && only) {
        // Alone, an append has nobody to spare from its failure: no savepoint (one round trip less, which is
        // what a single writer pays per append); if it fails, the catch below rolls back and answers it.
        const done = await appendAfterHead(client, head, only.streamId, only.events, only.expected);
        outcomes.push({ ok: true, result: done.result });
      } else {
        for (const [index, request] of batch.entries()) {
          const { outcome, head: next } = await appendInSavepoint(client, head, request, index > 0);
          outcomes.push(outcome);
          head = next;
        }
      }
      await client.query('COMMIT');
      batch.forEach((request, index) => {
        const outcome = outcomes[index] as Outcome;
        if (outcome.ok) request.resolve(outcome.result);
        else request.reject(outcome.error);
      });
    } catch (error) {
      await client?.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      const failed = batch ?? this.take();
      const [only] = failed;
      if (failed.length === 1 && only && isUniqueViolation(error) && only.attempts < APPEND_ATTEMPTS) {
        only.attempts += 1; // see appendInSavepoint: re-run it, first in line
        this.queue.unshift(only);
      } else {
        for (const request of failed) request.reject(error);
      }
    } finally {
      client?.release(broken);
    }
  }

  private take(): QueuedAppend[] {
    let count = 0;
    let events = 0;
    for (const request of this.queue) {
      if (count >= this.maxAppends || (count > 0 && events + request.events.length > this.maxEvents)) break;
      count += 1;
      events += request.events.length;
    }
    this.stats.batches += 1;
    this.stats.appends += count;
    return this.queue.splice(0, count);
  }
}

/**
 * One append in its own savepoint. Its own failure (a rule or an SQL error) rolls back to the savepoint, head
 * update included, and becomes its outcome; a failure to roll back (the connection is gone) throws and fails the
 * whole batch. A savepoint left open by the previous append is released here, in the same round trip.
 */
async function appendInSavepoint(
  client: PoolClient,
  head: number,
  request: QueuedAppend,
  previousOpen: boolean,
): Promise<{ outcome: Outcome; head: number }> {
  let open = previousOpen;
  for (let attempt = 1; ; attempt += 1) {
    await client.query(
      open ? `RELEASE SAVEPOINT ${SAVEPOINT}; SAVEPOINT ${SAVEPOINT}` : `SAVEPOINT ${SAVEPOINT}`,
    );
    open = true;
    try {
      const done = await appendAfterHead(client, head, request.streamId, request.events, request.expected);
      return { outcome: { ok: true, result: done.result }, head: done.head };
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      // As in PostgresEventStore.append: only a writer bypassing the head lock can cause this; re-run the checks.
      if (isUniqueViolation(error) && attempt < APPEND_ATTEMPTS) continue;
      return { outcome: { ok: false, error }, head };
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}
