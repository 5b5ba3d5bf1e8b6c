/** Thrown by FoldGate.run when every place, running and waiting, is taken. */
export class FoldGateFull extends Error {
  constructor(
    readonly running: number,
    readonly waiting: number,
  ) {
    super(`${running} folds are running and ${waiting} are waiting`);
    this.name = 'FoldGateFull';
  }
}

/**
 * How many cold folds one api process runs at once. A fold of a national night holds the process's one thread for
 * seconds, and time travel is public: without a bound, a few requests for distinct positions would starve the
 * submissions. At most `atOnce` run, at most `waiting` more wait their turn (in arrival order), and the rest are
 * refused at once (FoldGateFull). A key asked again while its fold runs or waits shares that fold.
 */
export class FoldGate<T> {
  private runningCount = 0;
  private refusedCount = 0;
  private readonly queue: Array<() => void> = [];
  private readonly folds = new Map<string, Promise<T>>();

  constructor(
    private readonly atOnce: number,
    private readonly maxWaiting: number,
  ) {
    if (!Number.isSafeInteger(atOnce) || atOnce < 1) throw new RangeError('atOnce must be at least 1');
    if (!Number.isSafeInteger(maxWaiting) || maxWaiting < 0)
      throw new RangeError('waiting must be at least 0');
  }

  get running(): number {
    return this.runningCount;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Requests refused because the gate was full, since the process started. */
  get refused(): number {
    return this.refusedCount;
  }

  run(key: string, fold: () => Promise<T>): Promise<T> {
    const shared = this.folds.get(key);
    if (shared) return shared;
    if (this.runningCount >= this.atOnce && this.queue.length >= this.maxWaiting) {
      this.refusedCount += 1;
      throw new FoldGateFull(this.runningCount, this.queue.length);
    }
    const result = this.turn()
      .then(fold)
      .finally(() => {
        this.folds.delete(key);
        this.release();
      });
    this.folds.set(key, result);
    return result;
  }

  /** Resolves once a place to run is this caller's. */
  private turn(): Promise<void> {
    if (this.runningCount < this.atOnce) {
      this.runningCount += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  /** The place passes to the first waiting caller, if any (the running count stays). */
  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.runningCount -= 1;
  }
}
