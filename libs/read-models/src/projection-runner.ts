import type { DataSource, EntityManager } from 'typeorm';
import { EventStore, START } from '@tally/event-store';
import { consoleLogger, Projection, PROJECTED_STREAM_PREFIXES, ProjectionLogger } from './projection';
import { CheckpointRow, readCheckpoints } from './runner/checkpoints';
import { ProjectionObserver, ProjectionWorker, WorkerState } from './runner/projection-worker';
import { LogReader, ownReads, SharedReads } from './runner/shared-reads';
import { StopSignal } from './runner/stop-signal';

/** Events counted for a projection's lag at most: beyond, the status says "at least this many". */
export const LAG_COUNT_LIMIT = 1_000;

/** Events per read of the log when the projections share their reads (as the postgres subscription's page). */
const SHARED_PAGE_SIZE = 500;

export interface ProjectionRunnerOptions {
  /** Events per transaction (default 500). */
  batchSize?: number;
  /**
   * The projections share one read of the log: the most recent `sharedWindow` events (default 5,000) are kept for
   * every projection whose position lies among them, and one further behind reads on its own until it gets there
   * (runner/shared-reads.ts). 0: each projection reads the log on its own.
   */
  sharedWindow?: number;
  /** After a short batch, wait this long before the next (default 0): see WorkerOptions.lingerMs. */
  lingerMs?: number;
  /** How often a standby runner retries the lock (default 3000 ms). */
  standbyRetryMs?: number;
  /** Pause after a database error before resuming from the checkpoint (default 1000 ms). */
  errorRetryMs?: number;
  /** Progress log interval while catching up (default 5000 ms). */
  progressIntervalMs?: number;
  /** Backlog (in events, counted as they are applied) from which catching up is logged (default 10,000). */
  progressBacklog?: number;
  logger?: ProjectionLogger;
  /** Told of every batch and failure (the metrics). */
  observer?: ProjectionObserver;
}

export interface ProjectionRunnerConfig extends ProjectionRunnerOptions {
  dataSource: DataSource;
  eventStore: EventStore;
  projections: Projection[];
}

export interface ProjectionStatus {
  name: string;
  version: number;
  /** The checkpoint of this version; START while a rebuild has not stored one yet. */
  position: number;
  headPosition: number;
  /**
   * Events after the checkpoint that this projection has yet to apply, counted up to LAG_COUNT_LIMIT (a lag at
   * the limit means at least that many). Counted, not subtracted: positions are opaque (KurrentDB: byte offsets).
   */
  lag: number;
  /**
   * What this process does for the projection; another process may be the active one. `failing`: it keeps failing
   * (a batch that does not apply, or the database is unreachable) and is retrying with a pause in between.
   */
  state: WorkerState;
  /** While `failing`: the last error's message (no stack); null otherwise. */
  lastError: string | null;
  /** While `failing`: when the failures began, ISO 8601; null otherwise. */
  failingSince: string | null;
}

/**
 * Keeps every projection's read model following the event store. Plain class, so the api (embedded mode) and the
 * projector process use it the same way; several may run at once, and an advisory lock per projection elects one.
 */
export class ProjectionRunner {
  private readonly stopSignal = new StopSignal();
  private readonly workers: ProjectionWorker[];
  private readonly reads: LogReader;
  private checkpointPoll: Promise<CheckpointRow[]> | null = null;

  private readonly dataSource: DataSource;
  private readonly eventStore: EventStore;
  private readonly projections: Projection[];

  constructor(config: ProjectionRunnerConfig);
  constructor(
    dataSource: DataSource,
    eventStore: EventStore,
    projections: Projection[],
    options?: ProjectionRunnerOptions,
  );
  constructor(
    first: DataSource | ProjectionRunnerConfig,
    eventStore?: EventStore,
    projections?: Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    const config: ProjectionRunnerConfig = isConfig(first)
      ? first
      : { ...options, dataSource: first, eventStore: eventStore!, projections: projections! };
    const { dataSource } = config;
    this.dataSource = dataSource;
    this.eventStore = config.eventStore;
    this.projections = config.projections;
    options = config;
    const names = new Set(this.projections.map((p) => p.name));
    if (names.size !== this.projections.length) throw new Error('Projection names must be unique');
    const workerOptions = {
      batchSize: options.batchSize ?? 500,
      lingerMs: options.lingerMs ?? 0,
      standbyRetryMs: options.standbyRetryMs ?? 3000,
      errorRetryMs: options.errorRetryMs ?? 1000,
      progressIntervalMs: options.progressIntervalMs ?? 5000,
      progressBacklog: options.progressBacklog ?? 10_000,
      logger: options.logger ?? consoleLogger,
      observer: options.observer,
    };
    const windowSize = options.sharedWindow ?? 5_000;
    // One projection has nobody to share with: its own subscription, batch for batch as the store delivers it.
    this.reads =
      this.projections.length > 1 && windowSize > 0
        ? new SharedReads(this.eventStore, {
            streamPrefixes: PROJECTED_STREAM_PREFIXES,
            windowSize,
            pageSize: SHARED_PAGE_SIZE,
            // Room for every projection's page and the one it reads ahead, when they replay side by side.
            cachedPages: 2 * this.projections.length,
          })
        : ownReads(this.eventStore, PROJECTED_STREAM_PREFIXES);
    this.workers = this.projections.map(
      (p) => new ProjectionWorker(dataSource, this.reads, p, workerOptions, this.stopSignal),
    );
  }

  /** Returns at once; each projection catches up in the background. A stopped runner cannot be started again. */
  async start(): Promise<void> {
    if (this.stopSignal.stopped) throw new Error('This ProjectionRunner was stopped; create a new one');
    for (const worker of this.workers) worker.start();
  }

  /** Finishes the batch in flight, closes the subscriptions and releases the locks. */
  async stop(): Promise<void> {
    this.stopSignal.trigger();
    await Promise.all(this.workers.map((w) => w.stopped()));
    await this.reads.close();
  }

  async status(): Promise<ProjectionStatus[]> {
    const [head, checkpoints] = await Promise.all([this.eventStore.headPosition(), this.readCheckpoints()]);
    const positions = this.workers.map((w) =>
      this.positionOf(checkpoints, w.projection.name, w.projection.version),
    );
    const lowest = Math.min(...positions);
    // One bounded read from the lowest checkpoint serves every projection's count (none when all are caught up).
    const behind =
      lowest < head
        ? await this.eventStore.readAll({
            after: lowest,
            to: head,
            maxCount: LAG_COUNT_LIMIT,
            streamPrefixes: PROJECTED_STREAM_PREFIXES,
          })
        : [];
    return this.workers.map((worker, index) => {
      const { name, version } = worker.projection;
      const failure = worker.failure;
      const position = positions[index];
      return {
        name,
        version,
        position,
        headPosition: head,
        lag: behind.filter((event) => event.position > position).length,
        state: worker.state,
        lastError: failure?.message ?? null,
        failingSince: failure?.since.toISOString() ?? null,
      };
    });
  }

  /**
   * True once every projection's checkpoint (of the current version) is at or past `position`; false on timeout.
   * It reads the checkpoint table, so it works whichever process runs the projections.
   */
  async waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let pause = 5;
    for (;;) {
      const checkpoints = await this.readCheckpoints();
      if (this.projections.every((p) => this.positionOf(checkpoints, p.name, p.version) >= position))
        return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((r) => setTimeout(r, Math.min(pause, left)));
      pause = Math.min(pause * 2, 100);
    }
  }

  /**
   * Whether the read models behind `manager` — a streaming replica of this runner's database — have every
   * projection at `position` or beyond (the same rule as waitForPosition, read there).
   */
  async reachedOn(manager: EntityManager, position: number): Promise<boolean> {
    const checkpoints = await readCheckpoints(
      manager,
      this.projections.map((p) => p.name),
    );
    return this.projections.every((p) => this.positionOf(checkpoints, p.name, p.version) >= position);
  }

  /** The position every projection (of this version) has reached: what waitForPosition compares with. */
  async projectedPosition(): Promise<number> {
    const checkpoints = await this.readCheckpoints();
    return Math.min(...this.projections.map((p) => this.positionOf(checkpoints, p.name, p.version)));
  }

  private positionOf(checkpoints: CheckpointRow[], name: string, version: number): number {
    const row = checkpoints.find((c) => c.name === name);
    // Rows of a newer version (a rolling deploy) reflect the position too; an older version's do not count.
    return row && row.version >= version ? row.position : START;
  }

  /** Concurrent waiters share one query in flight, so many read-your-writes requests cost one poll. */
  private readCheckpoints(): Promise<CheckpointRow[]> {
    this.checkpointPoll ??= readCheckpoints(
      this.dataSource.manager,
      this.projections.map((p) => p.name),
    ).finally(() => (this.checkpointPoll = null));
    return this.checkpointPoll;
  }
}

function isConfig(value: DataSource | ProjectionRunnerConfig): value is ProjectionRunnerConfig {
  return 'projections' in value && 'eventStore' in value;
}
