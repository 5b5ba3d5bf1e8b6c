import { randomUUID } from 'node:crypto';
import {
  type EventSubscription,
  migratePostgresEventStore,
  PostgresEventStore,
  type StoredEvent,
} from '@tally/event-store';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { PROJECTED_STREAM_PREFIXES } from '../projection';
import { CountingStore } from '../testing/counting-store';
import { SharedReads, type SharedReadsOptions } from './shared-reads';

const options: SharedReadsOptions = {
  streamPrefixes: PROJECTED_STREAM_PREFIXES,
  windowSize: 10,
  pageSize: 4,
  cachedPages: 4,
};

/** Takes batches until `count` events came, or fails after a while. */
async function take(subscription: EventSubscription, count: number, max = 3): Promise<number[]> {
  const positions: number[] = [];
  const deadline = Date.now() + 20_000;
  while (positions.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${positions.length} of ${count} events came`);
    const batch = await subscription.nextBatch(max);
    if (batch.length === 0) throw new Error('the subscription ended');
    positions.push(...batch.map((e: StoredEvent) => e.position));
  }
  return positions;
}

describe('SharedReads (one read of the log for the workers of a runner)', () => {
  let db: TestDatabase;
  let postgres: PostgresEventStore;
  let store: CountingStore;
  const open: EventSubscription[] = [];
  let reads: SharedReads;
  let sheet = 0;

  const append = async (noise = false): Promise<number> => {
    const streamId = noise ? `noise-${randomUUID()}` : `tally-reads.area-${sheet++}.na`;
    const event = { eventId: randomUUID(), type: 'TallySubmitted', data: {}, metadata: {} };
    return (await postgres.append(streamId, [event], 'any')).position;
  };
  const projected = async (after = -1): Promise<number[]> =>
    (await postgres.readAll({ after, streamPrefixes: PROJECTED_STREAM_PREFIXES })).map((e) => e.position);
  const subscribe = (after: number): EventSubscription => {
    const subscription = reads.subscribe(after);
    open.push(subscription);
    return subscription;
  };

  beforeAll(async () => {
    db = await createTestDatabase('rm_shared_window');
    postgres = new PostgresEventStore(db.url, { pollIntervalMs: 100 });
    await migratePostgresEventStore(postgres.pool);
    store = new CountingStore(postgres);
    for (let i = 0; i < 30; i++) await append(i % 3 === 2);
  });

  beforeEach(() => {
    reads = new SharedReads(store, options);
    store.reset();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await reads.close();
  });

  afterAll(async () => {
    await postgres?.close();
    await db?.drop();
  });

  it('keeps at most windowSize events while a subscriber lags; the lagging one reads the rest on its own', async () => {
    const head = await append();
    const keeping = subscribe(head);
    const lagging = subscribe(head);
    // The window opens at the head it finds on first use.
    expect((await reads.current()).base).toBe(head);
    const appended: number[] = [];
    let largest = 0;
    for (let i = 0; i < 35; i++) {
      const position = await append(i % 7 === 6);
      appended.push(position);
      if (i % 7 !== 6) expect(await take(keeping, 1)).toEqual([position]);
      largest = Math.max(largest, reads.windowEvents);
    }
    expect(largest).toBe(options.windowSize);
    expect(store.readAllCalls).toBe(0);
    // Three times the window went by: the lagging one still gets every event, in order, each once.
    const expected = await projected(head);
    expect(await take(lagging, expected.length)).toEqual(expected);
    expect(store.readAllCalls).toBeGreaterThan(0);
    expect(reads.windowEvents).toBeLessThanOrEqual(options.windowSize);
  });

  it('starts at the head: a subscriber behind reads pages up to the window and then shares it', async () => {
    const head = await append();
    const first = subscribe(head);
    const next = take(first, 1);
    // The window opens at the head; a subscriber from START must not make it read from there.
    expect((await reads.current()).base).toBe(head);
    const behind = subscribe(-1);
    const backlog = await projected();
    expect(await take(behind, backlog.length, 5)).toEqual(backlog);
    const position = await append();
    expect(await next).toEqual([position]);
    expect(await take(behind, 1)).toEqual([position]);
    // The backlog came in pages of its own (the last one ends at the window's start), the new event once for both.
    expect(store.readAllCalls).toBe(Math.ceil(backlog.length / options.pageSize));
    expect(store.subscriptions).toBe(1);
  });

  it('reads a page once for subscribers replaying side by side from START', async () => {
    await append();
    const one = subscribe(-1);
    const two = subscribe(-1);
    const backlog = await projected();
    const [a, b] = await Promise.all([take(one, backlog.length, 2), take(two, backlog.length, 3)]);
    expect(a).toEqual(backlog);
    expect(b).toEqual(backlog);
    // Each page once, not once per subscriber.
    expect(store.readAllCalls).toBe(Math.ceil(backlog.length / options.pageSize));
  });

  it('a subscriber from a position inside a page read for another follows the same pages', async () => {
    await append();
    const backlog = await projected();
    const one = subscribe(-1);
    expect(await take(one, 2, 2)).toEqual(backlog.slice(0, 2));
    // From the second event: the first page already holds what it needs, and its next page is the one read ahead.
    const two = subscribe(backlog[1]);
    const [a, b] = await Promise.all([take(one, backlog.length - 2, 3), take(two, backlog.length - 2, 2)]);
    expect(a).toEqual(backlog.slice(2));
    expect(b).toEqual(backlog.slice(2));
    expect(store.readAllCalls).toBe(Math.ceil(backlog.length / options.pageSize));
  });

  it('stops reading the head once no subscriber is left', async () => {
    const subscription = subscribe((await projected()).pop()!);
    const next = take(subscription, 1);
    await reads.current();
    const position = await append();
    expect(await next).toEqual([position]);
    expect(reads.windowEvents).toBe(1);
    await subscription.close();
    await reads.close();
    expect(reads.windowEvents).toBe(0);
    // A later subscriber opens a window again, at the head it finds then.
    const again = subscribe(position);
    const later = take(again, 1);
    await reads.current();
    const after = await append();
    expect(await later).toEqual([after]);
    expect(store.subscriptions).toBe(2);
  });
});
