import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import {
  ELECTION_STREAM_PREFIX,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
  UNIT_STREAM_PREFIX,
} from '@tally/domain';

/**
 * One projection per query model. `apply` runs inside the runner's transaction, together with the checkpoint update.
 * It must never throw because of a fact (unknown type, unknown election): log and skip. It may throw only when the
 * database fails, so the transaction rolls back and the batch is retried.
 */
export interface Projection {
  readonly name: string;
  /** Bump it whenever the rows it writes change meaning: the runner then truncates `tables` and replays from START. */
  readonly version: number;
  readonly tables: string[];
  apply(events: StoredEvent[], manager: EntityManager): Promise<void>;
}

/** Satisfied by console and by Nest's Logger. */
export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** One line per applied batch, with its fields (projection, events, position, batchMs). */
  debug?(message: string, fields: Record<string, unknown>): void;
}

export const consoleLogger: ProjectionLogger = {
  log: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** The streams every projection reads: election definitions, tally sheets, turnout reports and electoral units. */
export const PROJECTED_STREAM_PREFIXES = [
  ELECTION_STREAM_PREFIX,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
  UNIT_STREAM_PREFIX,
];

export function isProjectedStream(streamId: string): boolean {
  return PROJECTED_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));
}
