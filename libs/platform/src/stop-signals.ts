/** The signals that stop a process of Tally Ledger: Ctrl-C in a terminal, and what supervisors and `kill` send. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `stop` at the first SIGINT or SIGTERM, once; later ones are only reported (`repeated`). A Ctrl-C under
 * `npm start` reaches the api several times at once (the terminal signals the whole group, and npm and nest pass it
 * on again): a repeat must not cut the graceful shutdown short. SHUTDOWN_TIMEOUT_MS bounds a shutdown that hangs.
 */
export function onStopSignal(
  stop: (signal: NodeJS.Signals) => void,
  repeated: (signal: NodeJS.Signals) => void = () => undefined,
  target: Pick<NodeJS.Process, 'on'> = process,
): void {
  let stopping = false;
  for (const signal of STOP_SIGNALS) {
    target.on(signal, () => {
      if (stopping) return repeated(signal);
      stopping = true;
      stop(signal);
    });
  }
}
