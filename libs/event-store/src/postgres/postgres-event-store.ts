import { type ClientBase, Pool } from 'pg';
import {
  type AppendOptions,
  type AppendResult,
  EventStore,
  type EventSubscription,
  type EventToAppend,
  type ExpectedRevision,
  type PositionAtOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  START,
  type StoredEvent,
  type SubscribeOptions,
} from '../event-store.port';
import { validateAppendCondition, validateEventsToAppend } from '../append-rules';
import { BufferedSubscription } from '../subscription';
import { AppendNotifier, type AppendNotifierOptions } from './postgres-append-notifier';
import { appendBatch, appendInTransaction, isUniqueViolation } from './postgres-append';
import { type GroupCommitOptions, GroupCommitQueue } from './postgres-group-commit';
import {
  EVENT_COLUMNS,
  eventColumns,
  metadataColumn,
  type EventRow,
  likePrefixPattern,
  toSafeNumber,
  toStoredEvent,
} from './postgres-rows';

export interface PostgresEventStoreOptions {
  /** Pool size when the store builds its own pool from a connection string (default 10). */
  poolSize?: number;
  /** End the pool on close(). Defaults to true for a pool the store built, false for one it was given. */
  endPoolOnClose?: boolean;
  /** Fallback poll of subscriptions, for when a notification is lost or the LISTEN connection is down. */
  pollIntervalMs?: number;
  /** Events a subscription reads per query. */
  subscriptionBatchSize?: number;
  /** Events a subscription buffers ahead of its consumer. */
  subscriptionCapacity?: number;
  /** Consecutive failed reads a subscription retries (with backoff) before it fails. */
  subscriptionMaxRetries?: number;
  notifier?: AppendNotifierOptions;
  /**
   * Concurrent append() calls share one transaction and one WAL flush (postgres-group-commit.ts). On by default;
   * false gives every append a transaction of its own.
   */
  groupCommit?: boolean | GroupCommitOptions;
}

interface PageRow extends Partial<EventRow> {
  head: string;
}

interface Page {
  events: StoredEvent[];
  /** Every event up to here has been looked at, matching the filter or not. */
  scannedTo: number;
}

const APPEND_ATTEMPTS = 3;

/**
 * The event store in one PostgreSQL table (es_events), created by migratePostgresEventStore(). See
 * postgres-append.ts for how positions stay in commit order.
 */
export class PostgresEventStore extends EventStore {
  readonly name = 'postgres' as const;
  readonly gaplessPositions = true;
  /** es_append checks a condition under the log-head lock, in the same call as the append (event-store migration 3). */
  readonly supportsAppendConditions = true;
  readonly pool: Pool;
  private readonly endPoolOnClose: boolean;
  private readonly notifier: AppendNotifier;
  private readonly subscriptions = new Set<BufferedSubscription>();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly capacity: number | undefined;
  private readonly maxRetries: number;
  private readonly groupCommit: GroupCommitQueue | undefined;
  private closed = false;

  constructor(connection: string | Pool, options: PostgresEventStoreOptions = {}) {
    super();
    const ownsPool = typeof connection === 'string';
    this.pool = ownsPool
      ? new Pool({ connectionString: connection, max: options.poolSize ?? 10 })
      : connection;
    if (ownsPool) {
      // An idle client's network error is reported on the pool; unhandled, it would crash the process.
      this.pool.on('error', () => undefined);
    }
    this.endPoolOnClose = options.endPoolOnClose ?? ownsPool;
    this.notifier = new AppendNotifier(this.pool.options, options.notifier);
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.subscriptionBatchSize ?? 500;
    this.capacity = options.subscriptionCapacity;
    this.maxRetries = options.subscriptionMaxRetries ?? 10;
    const groupCommit = options.groupCommit ?? true;
    this.groupCommit = groupCommit
      ? new GroupCommitQueue(this.pool, groupCommit === true ? {} : groupCommit)
      : undefined;
  }

  /** `observer` hears the number of appends of every group-commit batch (nothing without group commit). */
  observeBatches(observer: (appends: number) => void): void {
    if (this.groupCommit) this.groupCommit.onBatch = observer;
  }

  /** Durable when it resolves: with group commit too, a result is only given out after its batch committed. */
  async append(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.groupCommit) return this.groupCommit.append(streamId, events, expected, options);
    validateEventsToAppend(streamId, events);
    validateAppendCondition(options.condition);
    const { condition } = options;
    // A batch of one, outside a transaction: es_append's call is the whole transaction, one round trip.
    for (let attempt = 1; ; attempt += 1) {
      try {
        const [outcome] = await appendBatch(this.pool, [{ streamId, events, expected, condition }]);
        if (!outcome) throw new Error('es_append answered no outcome');
        if (!outcome.ok) throw outcome.error;
        return outcome.result;
      } catch (error) {
        // The log head lock makes the checks exact, so a unique violation can only come from a writer that
        // bypassed it (e.g. a manual insert); a retry re-runs the checks and reports the precise error.
        if (isUniqueViolation(error) && attempt < APPEND_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /**
   * Appends as part of the caller's open READ COMMITTED transaction (for example a command that also writes an
   * outbox row); the caller commits or rolls back. Other appends wait until it does.
   */
  appendInTransaction(
    client: ClientBase,
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return appendInTransaction(client, streamId, events, expected, options);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      [streamId, Math.max(0, options.fromRevision ?? 0), limitOf(options.maxCount)],
    );
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const page = await this.readPage(
      options.after ?? START,
      limitOf(options.maxCount),
      options.streamPrefixes,
      options.to,
      options.metadataKeys,
    );
    return page.events;
  }

  async readAt(position: number): Promise<StoredEvent | undefined> {
    if (!Number.isSafeInteger(position) || position < 0) return undefined;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE position = $1`,
      [position],
    );
    return rows[0] && toStoredEvent(rows[0]);
  }

  async positionAt(instant: Date, options: PositionAtOptions = {}): Promise<number> {
    const after = options.after ?? START;
    // recorded_at is taken under the head lock (clock_timestamp), so it never decreases along positions: the answer
    // is the last event before the first one recorded later, found by walking forward from `after` on the primary
    // key (no index on recorded_at needed, and the walk stops at the instant instead of running to the head).
    // recorded_at keeps microseconds, an event shows milliseconds (recordedAt): "later" is from the next millisecond
    // on, so an event's own recordedAt includes it.
    const { rows } = await this.pool.query<{ position: string | null }>(
      `SELECT max(position) AS position FROM es_events
        WHERE position > $2
          AND position < coalesce(
            (SELECT position FROM es_events
              WHERE position > $2 AND recorded_at >= $1::timestamptz + interval '1 millisecond'
              ORDER BY position LIMIT 1),
            9223372036854775807)`,
      [instant, after],
    );
    return rows[0]?.position == null ? after : toSafeNumber(rows[0].position);
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    if (this.closed) throw new Error('The event store is closed');
    this.notifier.start();
    const prefixes = options.streamPrefixes;
    const subscription: BufferedSubscription = new BufferedSubscription(
      async (sink) => {
        let after = options.after ?? START;
        let failures = 0;
        while (!sink.signal.aborted) {
          const seen = this.notifier.currentGeneration;
          let page: Page;
          try {
            page = await this.readPage(after, this.batchSize, prefixes);
            failures = 0;
          } catch (error) {
            // A restart or failover of PostgreSQL should pause a projection, not kill it.
            if (sink.signal.aborted) return;
            failures += 1;
            if (failures > this.maxRetries) throw error;
            await delay(Math.min(100 * 2 ** failures, 5_000), sink.signal);
            continue;
          }
          if (page.events.length > 0 && !(await sink.push(page.events))) return;
          after = page.scannedTo;
          if (page.events.length < this.batchSize)
            await this.notifier.wait(seen, this.pollIntervalMs, sink.signal);
        }
      },
      { capacity: this.capacity, onClose: () => void this.subscriptions.delete(subscription) },
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ last_position: string }>(
      'SELECT last_position FROM es_log_head',
    );
    const row = rows[0];
    if (!row) throw new Error('es_log_head is empty: run migratePostgresEventStore() first');
    return toSafeNumber(row.last_position);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Drops the LISTEN connection as a network failure would; subscriptions carry on by polling and it reconnects. */
  dropNotificationConnection(): Promise<void> {
    return this.notifier.dropConnection();
  }

  get listeningForAppends(): boolean {
    return this.notifier.listening;
  }

  /** Group commit transactions so far and the appends they carried; undefined with groupCommit: false. */
  get groupCommitStats(): { batches: number; appends: number } | undefined {
    return this.groupCommit && { ...this.groupCommit.stats };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.notifier.stop();
    // Let queued appends finish (and their callers hear the outcome) before their connections go away.
    await this.groupCommit?.idle();
    if (this.endPoolOnClose) await this.pool.end();
  }

  /**
   * One statement, so one snapshot: the committed log head read alongside the page tells how far the log has been
   * scanned even when the prefix filter matched nothing (positions are gapless, see postgres-append.ts).
   */
  private async readPage(
    after: number,
    limit: number | null,
    prefixes: string[] | undefined,
    to?: number,
    metadataKeys?: readonly string[],
  ): Promise<Page> {
    // No prefixes (undefined or []) means no filter, as for KurrentDB's stream name filter.
    const filtered = prefixes !== undefined && prefixes.length > 0;
    const bounded = to !== undefined ? `AND position <= ${toSafeNumber(Math.floor(to))}` : '';
    const parameters: unknown[] = filtered ? [after, limit, prefixes.map(likePrefixPattern)] : [after, limit];
    const columns = metadataKeys
      ? eventColumns(metadataColumn(metadataKeys, parameters.length + 1))
      : EVENT_COLUMNS;
    if (metadataKeys) parameters.push(...metadataKeys);
    const pageSql = `SELECT ${columns} FROM es_events
            WHERE position > $1 ${bounded} ${filtered ? 'AND stream_id LIKE ANY($3::text[])' : ''}
            ORDER BY position LIMIT $2`;
    // The head is read by the same statement as the events (one snapshot): a page that is not full then vouches
    // for every position up to it. This form keeps the events' index order (a join would sort the whole page again,
    // on disk for pages of a few MB) but gives no row without events; the join then says the head.
    let { rows } = await this.pool.query<PageRow>(
      `SELECT (SELECT last_position FROM es_log_head) AS head, p.* FROM (${pageSql}) p ORDER BY p.position`,
      parameters,
    );
    if (rows.length === 0) {
      ({ rows } = await this.pool.query<PageRow>(
        `SELECT h.last_position AS head, p.* FROM es_log_head h LEFT JOIN LATERAL (${pageSql}) p ON true
          ORDER BY p.position`,
        parameters,
      ));
    }
    const first = rows[0];
    if (!first) throw new Error('es_log_head is empty: run migratePostgresEventStore() first');
    const events = rows.filter((row): row is PageRow & EventRow => row.position != null).map(toStoredEvent);
    const last = events[events.length - 1];
    const full = limit !== null && events.length >= limit;
    const scannedTo = full && last ? last.position : Math.max(after, toSafeNumber(first.head));
    return { events, scannedTo };
  }
}

function limitOf(maxCount: number | undefined): number | null {
  return maxCount === undefined ? null : Math.max(0, Math.floor(maxCount));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
