/**
 * The service cannot start in this environment, and the message says what to do (a closed folder, a port that
 * disagrees with the running server): printed as it is, without a stack trace.
 */
export class StartRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefusedError';
  }
}
