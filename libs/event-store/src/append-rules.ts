import { validate as isUuid } from 'uuid';
import {
  type AppendCondition,
  type AppendResult,
  DuplicateEventIdError,
  type EventToAppend,
  type ExpectedRevision,
  WrongExpectedRevisionError,
} from './event-store.port';

/** Where an event id of an append request is already stored. */
export interface StoredEventRef {
  eventId: string;
  streamId: string;
  revision: number;
  position: number;
}

/** Rejects requests no adapter can store: a blank stream id, an id that is not a uuid, one id twice. */
export function validateEventsToAppend(streamId: string, events: EventToAppend[]): void {
  if (streamId.length === 0) throw new TypeError('streamId must not be empty');
  const seen = new Set<string>();
  for (const event of events) {
    if (!isUuid(event.eventId))
      throw new TypeError(`eventId must be a uuid, got ${JSON.stringify(event.eventId)}`);
    const key = event.eventId.toLowerCase();
    if (seen.has(key)) throw new DuplicateEventIdError(event.eventId, streamId);
    seen.add(key);
  }
}

/** Rejects a condition no store can check: a blank stream id, a revision that is not a count. */
export function validateAppendCondition(condition: AppendCondition | undefined): void {
  if (condition === undefined) return;
  if (typeof condition.streamId !== 'string' || condition.streamId.length === 0)
    throw new TypeError('condition.streamId must not be empty');
  const { revision } = condition;
  if (revision !== 'no_stream' && !(Number.isSafeInteger(revision) && revision >= 0))
    throw new TypeError(
      `condition.revision must be 'no_stream' or a revision, got ${JSON.stringify(revision)}`,
    );
}

export function checkExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  current: number | undefined,
): void {
  const ok = expected === 'any' || (expected === 'no_stream' ? current === undefined : current === expected);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current ?? 'no_stream');
}

/**
 * KurrentDB's idempotence: when every id of the request is already stored in this stream, in request order, at
 * exactly the revisions the request implies, the request is a retry of a write that succeeded and its original
 * result comes back. Any other overlap means an id belongs to another write: DuplicateEventIdError.
 * `existing` holds the already stored events among the request's ids (possibly none of them).
 */
export function resolveAlreadyAppended(
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
  existing: StoredEventRef[],
): AppendResult {
  const elsewhere = existing.find((event) => event.streamId !== streamId);
  if (elsewhere) throw new DuplicateEventIdError(elsewhere.eventId, elsewhere.streamId);

  const byId = new Map(existing.map((event) => [event.eventId.toLowerCase(), event]));
  const stored = events.map((event) => byId.get(event.eventId.toLowerCase()));
  const first = stored[0];
  const impliedFirst = expected === 'no_stream' ? 0 : expected === 'any' ? first?.revision : expected + 1;
  const matches =
    first !== undefined &&
    first.revision === impliedFirst &&
    stored.every((event, index) => event !== undefined && event.revision === first.revision + index);
  const lastStored = stored[stored.length - 1];
  if (!matches || !lastStored) {
    const clash = existing[0];
    throw new DuplicateEventIdError(clash?.eventId ?? events[0]?.eventId ?? '', clash?.streamId ?? streamId);
  }
  return { streamId, revision: lastStored.revision, position: lastStored.position, alreadyStored: true };
}
