import { randomUUID } from 'node:crypto';
import type {
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  StoredEvent,
} from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.port';

/** Stream ids unique to one test run, so tests never see each other's events even on a shared server. */
export function uniquePrefix(label: string): string {
  return `contract-${label}-${randomUUID().replace(/-/g, '').slice(0, 10)}-`;
}

export function anEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data: { ...data },
    metadata: { actor: 'contract-suite', schemaVersion: 1 },
  };
}

export function someEvents(count: number, type = 'SomethingHappened'): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => anEvent(type, { index }));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads from a subscription until `count` events arrived or `timeoutMs` passed; then fails if more than `count`
 * arrive within `quietMs`, since "each event once" is part of what is tested.
 */
export async function collect(
  subscription: EventSubscription,
  count: number,
  { timeoutMs = 15_000, quietMs = 150 }: { timeoutMs?: number; quietMs?: number } = {},
): Promise<StoredEvent[]> {
  const received: StoredEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const batch = await withTimeout(subscription.nextBatch(count - received.length + 10), remaining);
    if (batch === undefined) break;
    if (batch.length === 0) break;
    received.push(...batch);
  }
  if (received.length < count) {
    throw new Error(`subscription delivered ${received.length} of ${count} events within ${timeoutMs} ms`);
  }
  if (received.length === count && quietMs > 0) {
    const extra = await withTimeout(subscription.nextBatch(100), quietMs);
    if (extra && extra.length > 0) received.push(...extra);
  }
  return received;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Appends with the expected revision a command handler would use, re-reading and retrying on a conflict. */
export async function appendWithRetry(
  store: EventStore,
  streamId: string,
  events: EventToAppend[],
  maxAttempts = 200,
): Promise<{ attempts: number; conflicts: number }> {
  let conflicts = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const current = await store.readStream(streamId);
    const last = current[current.length - 1];
    const expected: ExpectedRevision = last ? last.revision : 'no_stream';
    try {
      await store.append(streamId, events, expected);
      return { attempts: attempt, conflicts };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      conflicts += 1;
    }
  }
  throw new Error(`gave up appending to ${streamId} after ${maxAttempts} conflicts`);
}

export function expectStrictlyIncreasing(positions: number[]): void {
  for (let index = 1; index < positions.length; index += 1) {
    const previous = positions[index - 1] as number;
    const current = positions[index] as number;
    if (!(current > previous)) {
      throw new Error(`position ${current} at index ${index} does not follow ${previous}`);
    }
  }
}

export async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
