import type { DataSource, QueryRunner } from 'typeorm';
import type { EventSubscription, StoredEvent } from '@tally/event-store';
import { Projection, ProjectionLogger } from '../projection';
import { advanceCheckpoint, lockCheckpoint, saveCheckpoint, truncateTables } from './checkpoints';
import type { LogReader } from './shared-reads';
import { StopSignal } from './stop-signal';

export interface WorkerOptions {
  batchSize: number;
  /**
   * After a short batch, wait this long before taking the next one, so that events arriving together are applied
   * in one transaction (fewer statements per event under load, at most this much extra lag). 0: no wait.
   */
  lingerMs: number;
  standbyRetryMs: number;
  errorRetryMs: number;
  progressIntervalMs: number;
  /** Below this many events behind the head, catching up is not worth a progress log. */
  progressBacklog: number;
  logger: ProjectionLogger;
  observer?: ProjectionObserver;
}

/** Told of every batch a projection applied and every failure (metrics hook in here). */
export interface ProjectionObserver {
  batchApplied(projection: string, events: number, seconds: number, last: StoredEvent): void;
  failed(projection: string): void;
}

/** `failing`: this process leads the projection (or tries to) but the last attempt failed; it keeps retrying. */
export type WorkerState = 'idle' | 'standby' | 'active' | 'failing' | 'stopped';

/** Why the worker is failing; kept until it makes progress again. */
export interface WorkerFailure {
  /** The error's message, without the stack. */
  message: string;
  /** When the current run of failures began (not the latest one). */
  since: Date;
  /** A batch failed to apply: only a batch that applies clears it (re-subscribing proves nothing). */
  inBatch: boolean;
}

/** Marks an error thrown while applying a batch, as opposed to locking, checkpointing or subscribing. */
class BatchError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/** Rolls the fast path's transaction back: the checkpoint is not where this runner last left it. */
class CheckpointMoved extends Error {}

/**
 * Runs one projection: wins its advisory lock (one active runner across processes), rebuilds on a version change,
 * then applies batches from its checkpoint, each batch and the checkpoint in one transaction.
 */
export class ProjectionWorker {
  private phase: Exclude<WorkerState, 'failing'> = 'idle';
  private currentFailure: WorkerFailure | null = null;
  private subscription: EventSubscription | null = null;
  private loop: Promise<void> | null = null;
  private readonly lockKey: string;
  /** Where this runner last left the checkpoint (set when it starts to lead); null: read it under lock. */
  private position: number | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: LogReader,
    readonly projection: Projection,
    private readonly options: WorkerOptions,
    private readonly stop: StopSignal,
  ) {
    this.lockKey = `tally-ledger:projection:${projection.name}`;
  }

  get state(): WorkerState {
    if (this.phase === 'stopped' || this.phase === 'standby') return this.phase;
    return this.currentFailure ? 'failing' : this.phase;
  }

  /** Null unless the state is `failing`. */
  get failure(): WorkerFailure | null {
    return this.state === 'failing' ? this.currentFailure : null;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stopped(): Promise<void> {
    await this.subscription?.close().catch(() => undefined);
    await this.loop;
  }

  private warnedSuperseded = false;

  private get tag(): string {
    return `[projection ${this.projection.name} v${this.projection.version}]`;
  }

  private async run(): Promise<void> {
    while (!this.stop.stopped) {
      let lock: QueryRunner | null = null;
      try {
        lock = await this.tryLock();
        if (!lock) {
          if (this.phase !== 'standby')
            this.options.logger.log(`${this.tag} standby: another runner holds the lock`);
          this.phase = 'standby';
          // Another process leads: whatever failed here is not this process's to report any more.
          this.currentFailure = null;
          await this.stop.sleep(this.options.standbyRetryMs);
          continue;
        }
        this.phase = 'active';
        await this.lead(lock);
      } catch (thrown) {
        const error = thrown instanceof BatchError ? thrown.original : thrown;
        this.recordFailure(error, thrown instanceof BatchError);
        this.options.observer?.failed(this.projection.name);
        this.options.logger.error(
          `${this.tag} failed, retrying: ${(error as Error)?.stack ?? String(error)}`,
        );
        await this.stop.sleep(this.options.errorRetryMs);
      } finally {
        if (lock) await this.unlock(lock);
      }
    }
    this.phase = 'stopped';
  }

  private recordFailure(error: unknown, inBatch: boolean): void {
    const message = error instanceof Error ? error.message : String(error);
    this.currentFailure = {
      message,
      since: this.currentFailure?.since ?? new Date(),
      inBatch: inBatch || (this.currentFailure?.inBatch ?? false),
    };
  }

  private clearFailure(afterBatch: boolean): void {
    if (!this.currentFailure) return;
    if (this.currentFailure.inBatch && !afterBatch) return;
    this.options.logger.log(`${this.tag} recovered`);
    this.currentFailure = null;
  }

  /** A session lock on a dedicated connection: it lasts as long as that connection, even if this process dies. */
  private async tryLock(): Promise<QueryRunner | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        this.lockKey,
      ]);
      if (row.locked) return runner;
    } catch (error) {
      await runner.release();
      throw error;
    }
    await runner.release();
    return null;
  }

  private async unlock(runner: QueryRunner): Promise<void> {
    try {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.lockKey]);
    } catch {
      // The connection is gone, and the lock with it.
    }
    await runner.release().catch(() => undefined);
  }

  private async lead(lock: QueryRunner): Promise<void> {
    const from = await this.prepareCheckpoint();
    if (from === 'superseded') {
      // A newer version of this projection owns the rows (a rolling deploy): rebuilding them as the older version
      // would empty the public totals, so this runner waits until it is replaced.
      this.phase = 'standby';
      await this.stop.sleep(this.options.standbyRetryMs);
      return;
    }
    this.position = from;
    const progress = new Progress(this.options, this.tag);
    const subscription = this.reads.subscribe(from);
    this.subscription = subscription;
    // Locked, checkpointed and subscribed again: that clears a failure of those steps, not a failing batch.
    this.clearFailure(false);
    // Noticing a dropped lock connection lets another process take over; the checkpoint guard keeps it safe anyway.
    let lockLost = false;
    const heartbeat = setInterval(() => {
      lock.query('SELECT 1').catch(() => {
        lockLost = true;
        void subscription.close().catch(() => undefined);
      });
    }, this.options.standbyRetryMs);
    try {
      while (!this.stop.stopped && !lockLost) {
        const next = subscription.nextBatch(this.options.batchSize);
        next.catch(() => undefined);
        const batch = await Promise.race([next, this.stop.promise.then(() => null)]);
        if (batch === null || this.stop.stopped || lockLost) break;
        // An empty batch means the subscription ended (store closed, or closed under us): resubscribe after a pause.
        if (batch.length === 0) throw new Error('the subscription ended');
        let applied: number;
        const started = performance.now();
        try {
          applied = await this.applyBatch(batch);
        } catch (error) {
          throw new BatchError(error);
        }
        if (applied > 0) {
          const seconds = (performance.now() - started) / 1000;
          this.options.observer?.batchApplied(
            this.projection.name,
            applied,
            seconds,
            batch[batch.length - 1],
          );
        }
        this.clearFailure(true);
        this.options.logger.debug?.('projection batch', {
          projection: this.projection.name,
          version: this.projection.version,
          events: applied,
          delivered: batch.length,
          position: batch[batch.length - 1].position,
          batchMs: Math.round((performance.now() - started) * 100) / 100,
        });
        const full = batch.length === this.options.batchSize;
        progress.record(applied, batch[batch.length - 1].position, full);
        if (!full && this.options.lingerMs > 0) await this.stop.sleep(this.options.lingerMs);
      }
      if (lockLost) throw new Error('lost the advisory lock connection');
    } finally {
      clearInterval(heartbeat);
      this.subscription = null;
      await subscription.close().catch(() => undefined);
    }
  }

  /**
   * The position to resume after. A newer code version empties the rows and replays from START; an older one never
   * touches the rows of a newer version ('superseded').
   */
  private async prepareCheckpoint(): Promise<number | 'superseded'> {
    return this.dataSource.transaction(async (manager) => {
      const { name, version, tables } = this.projection;
      const checkpoint = await lockCheckpoint(manager, name, version);
      if (checkpoint.version === version) return checkpoint.position;
      if (checkpoint.version > version) {
        if (!this.warnedSuperseded) {
          this.warnedSuperseded = true;
          this.options.logger.warn(
            `${this.tag} the read models belong to version ${checkpoint.version}: standing by, not rebuilding`,
          );
        }
        return 'superseded' as const;
      }
      this.options.logger.log(
        `${this.tag} stored version ${checkpoint.version} differs: rebuilding from the start`,
      );
      await truncateTables(manager, tables);
      await saveCheckpoint(manager, name, version, -1);
      return -1;
    });
  }

  /**
   * Returns how many events were new: a redelivered event at or below the checkpoint is skipped. The common case
   * costs one statement besides the projection's own: the checkpoint this runner left is advanced only if it is still
   * there (another writer, such as a shadow rebuild's swap or a runner that took over, makes it fall back to locking
   * the checkpoint and reading it, as a batch after a takeover always did).
   */
  private async applyBatch(batch: StoredEvent[]): Promise<number> {
    const known = this.position;
    if (known !== null) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          const fresh = batch.filter((e) => e.position > known);
          if (fresh.length === 0) return 0;
          await this.projection.apply(fresh, manager);
          const last = Math.max(...fresh.map((e) => e.position));
          const { name, version } = this.projection;
          if (!(await advanceCheckpoint(manager, name, version, known, last))) throw new CheckpointMoved();
          this.position = last;
          return fresh.length;
        });
      } catch (error) {
        if (!(error instanceof CheckpointMoved)) {
          // Whether it committed is unknown (the connection may have dropped at COMMIT): read it next time.
          this.position = null;
          throw error;
        }
        this.position = null;
      }
    }
    return this.dataSource.transaction(async (manager) => {
      const { name, version } = this.projection;
      const checkpoint = await lockCheckpoint(manager, name, version);
      if (checkpoint.version !== version) {
        throw new Error(`checkpoint version changed to ${checkpoint.version} under this runner`);
      }
      const fresh = batch.filter((e) => e.position > checkpoint.position);
      if (fresh.length === 0) {
        this.position = checkpoint.position;
        return 0;
      }
      await this.projection.apply(fresh, manager);
      const last = Math.max(...fresh.map((e) => e.position));
      await saveCheckpoint(manager, name, version, last);
      this.position = last;
      return fresh.length;
    });
  }
}

/** Logs events/s while a large backlog drains, and once when it is gone. */
class Progress {
  private readonly startedAt = Date.now();
  private lastLogAt = Date.now();
  private applied = 0;
  /** Undecided until the backlog shows its size: positions are opaque, so it is counted as it is applied. */
  private catchingUp: boolean | undefined;

  constructor(
    private readonly options: WorkerOptions,
    private readonly tag: string,
  ) {}

  record(applied: number, position: number, fullBatch: boolean): void {
    if (this.catchingUp === false) return;
    this.applied += applied;
    const now = Date.now();
    if (this.catchingUp === undefined) {
      // Full batches up to progressBacklog events: a backlog worth logging; a short batch before that: caught up.
      if (!fullBatch) {
        this.catchingUp = false;
        return;
      }
      if (this.applied < this.options.progressBacklog) return;
      this.catchingUp = true;
      this.lastLogAt = now;
      this.options.logger.log(
        `${this.tag} catching up on a backlog: ${this.applied} events applied, at position ${position}`,
      );
      return;
    }
    const rate = Math.round(this.applied / Math.max((now - this.startedAt) / 1000, 0.001));
    if (!fullBatch) {
      this.catchingUp = false;
      const seconds = ((now - this.startedAt) / 1000).toFixed(1);
      this.options.logger.log(
        `${this.tag} caught up at position ${position}: ${this.applied} events in ${seconds}s (${rate} events/s)`,
      );
    } else if (now - this.lastLogAt >= this.options.progressIntervalMs) {
      this.lastLogAt = now;
      this.options.logger.log(
        `${this.tag} ${this.applied} events applied, at position ${position} (${rate} events/s)`,
      );
    }
  }
}
