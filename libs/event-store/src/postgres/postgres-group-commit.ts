import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { validateAppendCondition, validateEventsToAppend } from '../append-rules';
import type { AppendOptions, AppendResult, EventToAppend, ExpectedRevision } from '../event-store.port';
import { type AppendOutcome, type AppendRequest, appendBatch, isUniqueViolation } from './postgres-append';

/*
 * Application-level group commit. One append per transaction pays one WAL flush while holding the log head lock
 * (postgres-append.ts), so commits never share a flush and throughput is about one append per fsync. Here the
 * appends of one PostgresEventStore wait in a queue while a batch is in flight; the next batch takes all of them
 * (up to maxAppends / maxEvents) and sends them in ONE es_append call, outside any explicit transaction, so the
 * call is its own transaction: one round trip, one lock, one WAL flush for the whole batch.
 *
 * - Order and gaplessness are unchanged: es_append holds the head lock from before its first append until the
 *   commit and gives each accepted append the positions right after the previous one; a refused append takes none.
 * - Appends see the earlier appends of their batch, so condition, expected-revision, duplicate-id and idempotence
 *   checks run exactly as if the appends had committed one by one in queue order; each caller gets its own outcome
 *   (a failed condition refuses only its own append).
 * - A failure of the call itself (an SQL error of one append, e.g. data jsonb refuses, or a refused COMMIT) stores
 *   none of the batch. The batch is then re-run one append per call, so that one append's failure does not poison
 *   the others: each is stored or refused on its own, as it would have been without group commit.
 * - Nobody is answered before the commit: node-postgres resolves the call only at ReadyForQuery, which the server
 *   sends after the implicit COMMIT (and its flush). If the connection fails, every caller of the batch is rejected
 *   with that error (and the batch may or may not have committed: the usual ambiguity of any COMMIT). Retries are
 *   safe: re-appending the same event ids is idempotent.
 */

export interface GroupCommitOptions {
  /** Appends per batch (default 64): bounds how long one batch holds the head lock. */
  maxAppends?: number;
  /** Events per batch (default 5,000); a single larger append still runs, alone. */
  maxEvents?: number;
}

interface QueuedAppend extends AppendRequest {
  /** Runs so far that failed with a unique violation (see runAlone). */
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
  /** Told how many appends each batch carries (the metrics). */
  onBatch: ((appends: number) => void) | undefined;

  constructor(
    private readonly pool: Pool,
    options: GroupCommitOptions = {},
  ) {
    this.maxAppends = Math.max(1, options.maxAppends ?? 64);
    this.maxEvents = Math.max(1, options.maxEvents ?? 5_000);
  }

  // Async so that a request no adapter can store rejects here, before it joins (and touches) a batch.
  async append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    { condition }: AppendOptions = {},
  ): Promise<AppendResult> {
    validateEventsToAppend(streamId, events);
    validateAppendCondition(condition);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events, expected, condition, attempts: 1, resolve, reject });
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
    // A connection that dies between statements (a terminated session) tells its client by an 'error' event: heard
    // here, it marks the connection broken instead of crashing the process as an unheard 'error' would.
    const onError = (error: Error) => (broken ??= error);
    try {
      client = await this.pool.connect();
      client.on('error', onError);
      // Taken only now: appends that arrived while this batch waited for a connection join it.
      batch = this.take();
      this.onBatch?.(batch.length);
      try {
        const outcomes = await appendBatch(client, batch);
        batch.forEach((request, index) => answer(request, outcomes[index]));
      } catch (error) {
        // The server refused the call and stored none of it: one append per call finds whose failure it was.
        if (!(error instanceof DatabaseError) || batch.length === 1) throw error;
        for (const [index, request] of batch.entries()) {
          broken = await runAlone(client, request);
          if (!broken) continue;
          // The connection died under that one (answered with the error): the rest never ran, so they go first in the
          // queue again, for the next batch on a fresh connection. Nothing of them was stored.
          this.queue.unshift(...batch.slice(index + 1));
          break;
        }
      }
    } catch (error) {
      // A statement error leaves the connection usable (the implicit transaction is gone); anything else may not.
      if (!(error instanceof DatabaseError)) broken = toError(error);
      const failed = batch ?? this.take();
      const [only] = failed;
      if (only && failed.length === 1 && retryable(only, error)) this.queue.unshift(only);
      else for (const request of failed) request.reject(error);
    } finally {
      client?.removeListener('error', onError);
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
 * One append in a call of its own, after its batch failed. Unique violations are retried (only a writer that
 * bypassed the head lock can cause one; a re-run reports the precise outcome). Returns the error that broke the
 * connection, if one did.
 */
async function runAlone(client: PoolClient, request: QueuedAppend): Promise<Error | undefined> {
  for (;;) {
    try {
      const [outcome] = await appendBatch(client, [request]);
      answer(request, outcome);
      return undefined;
    } catch (error) {
      if (retryable(request, error)) continue;
      request.reject(error);
      return error instanceof DatabaseError ? undefined : toError(error);
    }
  }
}

function answer(request: QueuedAppend, outcome: AppendOutcome | undefined): void {
  if (outcome?.ok) request.resolve(outcome.result);
  else request.reject(outcome?.error ?? new Error('es_append answered no outcome'));
}

/** Counts the attempt when the error is worth another run (see runAlone). */
function retryable(request: QueuedAppend, error: unknown): boolean {
  if (!isUniqueViolation(error) || request.attempts >= APPEND_ATTEMPTS) return false;
  request.attempts += 1;
  return true;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
