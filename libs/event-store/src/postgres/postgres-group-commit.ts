import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { validateEventsToAppend } from '../append-rules';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port';
import { type AppendRequest, appendBatch, isUniqueViolation } from './postgres-append';

/*
 * Application-level group commit. One append per transaction pays one WAL flush while holding the log head lock
 * (postgres-append.ts), so commits never share a flush and throughput is about one append per fsync. Here the
 * appends of one PostgresEventStore wait in a queue while a batch is in flight; the next batch takes all of them
 * (up to maxAppends / maxEvents) and sends them in ONE es_append call, outside any explicit transaction, so the
 * call is its own transaction: one round trip, one lock, one WAL flush for the whole batch.
 *
 * - Order and gaplessness are unchanged: es_append holds the head lock from before its first append until the
 *   commit, each append takes the positions right after the previous one, and an append that fails is undone in
 *   its own subtransaction (a PL/pgSQL exception block) before it moved the head, so it leaves no gap.
 * - Appends see the earlier appends of their batch (same transaction), so expected-revision, duplicate-id and
 *   idempotence checks run exactly as if the appends had committed one by one in queue order.
 * - One append's refusal or SQL error is its own outcome and does not touch the others of the batch.
 * - Nobody is answered before the commit: node-postgres resolves the call only at ReadyForQuery, which the server
 *   sends after the implicit COMMIT (and its flush). If the call or its COMMIT fails, every caller of the batch is
 *   rejected with that error and none of the batch is stored (unless the connection was lost after the server
 *   committed: the usual ambiguity of any COMMIT). Retries are safe: re-appending the same event ids is idempotent.
 */

export interface GroupCommitOptions {
  /**
   * Appends per batch (default 64). Every append that writes runs in a subtransaction with its own xid;
   * PostgreSQL caches up to 64 of them per backend, beyond that other sessions' snapshots "overflow" and need
   * pg_subtrans lookups, so more per batch costs every reader while the batch is open.
   */
  maxAppends?: number;
  /** Events per batch (default 5,000); a single larger append still runs, alone. */
  maxEvents?: number;
}

interface QueuedAppend extends AppendRequest {
  /** Runs so far that failed with a unique violation (see runBatch). */
  attempts: number;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

const APPEND_ATTEMPTS = 3;

export class GroupCommitQueue {
  private readonly queue: QueuedAppend[] = [];
  private draining: Promise<void> | undefined;
  private readonly maxAppends: number;
  private readonly maxEvents: number;
  /** Batches run and appends they carried (whatever their outcome), for benches and specs. */
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
      // Taken only now: appends that arrived while this batch waited for a connection join it.
      batch = this.take();
      const outcomes = await appendBatch(client, batch);
      const retries: QueuedAppend[] = [];
      batch.forEach((request, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) request.resolve(outcome.result);
        else if (isUniqueViolation(outcome?.error) && request.attempts < APPEND_ATTEMPTS) {
          // Only a writer that bypassed the head lock can cause it; a re-run reports the precise outcome.
          request.attempts += 1;
          retries.push(request);
        } else request.reject(outcome?.error);
      });
      this.queue.unshift(...retries);
    } catch (error) {
      // A statement error leaves the connection usable (the implicit transaction is gone); anything else may not.
      if (!(error instanceof DatabaseError))
        broken = error instanceof Error ? error : new Error(String(error));
      for (const request of batch ?? this.take()) request.reject(error);
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
