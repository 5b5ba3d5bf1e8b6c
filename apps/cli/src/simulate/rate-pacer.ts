/**
 * Paces sheets at `perSecond` on a schedule: the k-th sheet of a busy stretch is due `k / perSecond` seconds after
 * its first, so a timer that fires late (every timer does, by a millisecond or more) or a busy event loop delays one
 * sheet, not every one after it. Only after an idle stretch longer than `burstMs` (the plan had nothing due, or the
 * api held the sheets back) does the schedule restart from now: the sheets that then go at once are at most about
 * `burstMs × perSecond / 1000`.
 */
export class RatePacer {
  private readonly intervalMs: number;
  private nextAt: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly burstMs = 100,
  ) {
    if (!(perSecond > 0))
      throw new Error(`the rate must be a positive number of sheets per second, not ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
    this.nextAt = now();
  }

  /** Milliseconds until the next sheet may go (0: now). */
  delay(): number {
    return Math.max(0, this.nextAt - this.now());
  }

  /** Call as a sheet goes: the one after is due an interval after this one's due time. */
  sent(): void {
    this.nextAt = Math.max(this.nextAt, this.now() - this.burstMs) + this.intervalMs;
  }
}

/**
 * How long sending takes, as the simulator sends: each action when it is due (ms from the start, already divided by
 * the speed), the paced ones (sheets, corrections, …) no faster than `perSecond`, by this pacer on a virtual clock.
 * Without a rate: when the last action is due. For the "about … s" the simulator announces.
 */
export function pacedDurationMs(
  actions: Array<{ dueMs: number; paced: boolean }>,
  perSecond?: number,
): number {
  let clock = 0;
  const pacer = perSecond ? new RatePacer(perSecond, () => clock) : undefined;
  for (const { dueMs, paced } of actions) {
    clock = Math.max(clock, dueMs);
    if (paced && pacer) {
      clock += pacer.delay();
      pacer.sent();
    }
  }
  return clock;
}
