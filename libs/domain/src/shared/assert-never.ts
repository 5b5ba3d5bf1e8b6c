/** The compile-time exhaustiveness check at the end of every switch over a union of events or commands. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
