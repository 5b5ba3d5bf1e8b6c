/** A one-shot signal that interrupts sleeps and pending waits when the runner stops. */
export class StopSignal {
  private resolve!: () => void;
  readonly promise: Promise<void> = new Promise((r) => (this.resolve = r));
  stopped = false;

  trigger(): void {
    this.stopped = true;
    this.resolve();
  }

  /** Resolves after `ms`, or at once when stopped. */
  async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), this.promise]);
    clearTimeout(timer);
  }
}
