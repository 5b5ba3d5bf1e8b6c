import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { AppendConditionFailedError, type EventToAppend, type ExpectedRevision } from '../event-store.port';
import { collect, someEvents, uniquePrefix } from '../testing/contract-helpers';
import { describeEventStoreContract, type OpenAppend } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { EVENT_STORE_SCHEMA_VERSION, migratePostgresEventStore } from './postgres-migrations';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('event_store');
  const pool = new Pool({ connectionString: database.url, max: 1 });
  try {
    await migratePostgresEventStore(pool);
  } finally {
    await pool.end();
  }
});

afterAll(async () => {
  await database?.drop();
});

// Both append paths: group commit (the default, see postgres-group-commit.ts) and a transaction per append.
for (const groupCommit of [true, false]) {
  describeEventStoreContract(
    groupCommit ? 'postgres' : 'postgres without group commit',
    async () => {
      // Open-transaction tests park writers on the log head lock, each holding a connection.
      const store = new PostgresEventStore(database.url, {
        poolSize: 40,
        pollIntervalMs: 1_000,
        groupCommit,
      });
      return {
        store,
        beginAppend: (streamId: string, events: EventToAppend[], expected: ExpectedRevision) =>
          beginAppend(store, streamId, events, expected),
        dispose: () => store.close(),
      };
    },
    { openTransactions: true, appendConditions: true },
  );
}

async function beginAppend(
  store: PostgresEventStore,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): Promise<OpenAppend> {
  const client = await store.pool.connect();
  const finish = async (sql: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  };
  try {
    await client.query('BEGIN');
    const result = await store.appendInTransaction(client, streamId, events, expected);
    return { result, commit: () => finish('COMMIT'), rollback: () => finish('ROLLBACK') };
  } catch (error) {
    await finish('ROLLBACK');
    throw error;
  }
}

describe('PostgresEventStore specifics', () => {
  let store: PostgresEventStore;

  beforeAll(() => {
    // A poll interval far beyond the test timeouts: only NOTIFY can deliver live events in time.
    store = new PostgresEventStore(database.url, {
      poolSize: 5,
      pollIntervalMs: 60_000,
      notifier: { reconnectDelayMs: 50 },
    });
  });

  afterAll(async () => {
    await store.close();
  });

  it('migrates idempotently and records the schema version once', async () => {
    const again = await migratePostgresEventStore(store.pool);
    expect(again).toEqual({ version: EVENT_STORE_SCHEMA_VERSION, applied: [] });
    const { rows } = await store.pool.query<{ version: number }>(
      'SELECT version FROM es_schema_version ORDER BY version',
    );
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('migrates concurrently without errors', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migratePostgresEventStore(store.pool)));
    expect(results.every((r) => r.applied.length === 0)).toBe(true);
  });

  it('checks a condition under the log-head lock: an append waits for the open one and is judged on its outcome', async () => {
    const prefix = uniquePrefix('cond-lock');
    const definition = `${prefix}definition`;
    await store.append(definition, someEvents(1), 'no_stream');
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      const amended = await store.appendInTransaction(client, definition, someEvents(1), 0);
      // Within the transaction its own append counts: a condition on the old revision fails, the transaction
      // stays usable, and one on the new revision holds.
      await expect(
        store.appendInTransaction(client, `${prefix}inside`, someEvents(1), 'no_stream', {
          condition: { streamId: definition, revision: 0 },
        }),
      ).rejects.toMatchObject({ name: 'AppendConditionFailedError', expected: 0, actual: 1 });
      const inside = await store.appendInTransaction(client, `${prefix}inside`, someEvents(1), 'no_stream', {
        condition: { streamId: definition, revision: 1 },
      });
      // Decided on revision 0 elsewhere: it waits for the lock, then sees the committed revision 1.
      const outside = store.append(`${prefix}outside`, someEvents(1), 'no_stream', {
        condition: { streamId: definition, revision: 0 },
      });
      const settled = jest.fn();
      outside.then(settled, settled);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(settled).not.toHaveBeenCalled();
      await client.query('COMMIT');

      const refused = await outside.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(AppendConditionFailedError);
      expect(refused).toMatchObject({ streamId: definition, expected: 0, actual: 1 });
      expect(inside.position).toBe(amended.position + 1);
      expect(await store.readStream(`${prefix}outside`)).toEqual([]);
      expect(await store.headPosition()).toBe(inside.position);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });

  it('records times in position order, even for a transaction that began before an earlier position', async () => {
    const prefix = uniquePrefix('recorded-at');
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN'); // now() is fixed here, before the other append
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.append(`${prefix}first`, someEvents(1), 'no_stream');
      await store.appendInTransaction(client, `${prefix}second`, someEvents(1), 'no_stream');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const [first, second] = await store.readAll({ streamPrefixes: [prefix] });
    expect([first.streamId, second.streamId]).toEqual([`${prefix}first`, `${prefix}second`]);
    expect(second.recordedAt.getTime()).toBeGreaterThanOrEqual(first.recordedAt.getTime());
  });

  it('hands out gapless positions, even around rolled-back appends', async () => {
    const prefix = uniquePrefix('gapless');
    const before = await store.headPosition();
    await store.append(`${prefix}1`, someEvents(2), 'no_stream');
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await store.appendInTransaction(client, `${prefix}2`, someEvents(3), 'no_stream');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await store.append(`${prefix}3`, someEvents(2), 'no_stream');

    const events = await store.readAll({ after: before });
    expect(events.map((e) => e.position)).toEqual([1, 2, 3, 4].map((offset) => before + offset));
  });

  it('wakes subscriptions through NOTIFY, without waiting for the poll', async () => {
    const prefix = uniquePrefix('notify');
    const subscription = store.subscribeToAll({
      after: await store.headPosition(),
      streamPrefixes: [prefix],
    });
    try {
      await waitFor(() => store.listeningForAppends);
      const events = someEvents(2);
      await store.append(`${prefix}1`, events, 'no_stream');
      const received = await collect(subscription, 2, { timeoutMs: 15_000 });
      expect(received.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    } finally {
      await subscription.close();
    }
  });

  it('reconnects the LISTEN connection after it drops, and wakes subscriptions again', async () => {
    const prefix = uniquePrefix('relisten');
    const subscription = store.subscribeToAll({
      after: await store.headPosition(),
      streamPrefixes: [prefix],
    });
    try {
      await waitFor(() => store.listeningForAppends);
      await store.dropNotificationConnection();
      await waitFor(() => !store.listeningForAppends);
      await waitFor(() => store.listeningForAppends);
      const events = someEvents(1);
      await store.append(`${prefix}1`, events, 'no_stream');
      const received = await collect(subscription, 1, { timeoutMs: 15_000 });
      expect(received.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    } finally {
      await subscription.close();
    }
  });

  it('delivers a long catch-up in order through a small buffer', async () => {
    const prefix = uniquePrefix('backlog');
    const before = await store.headPosition();
    for (let index = 0; index < 30; index += 1) {
      await store.append(`${prefix}${index}`, someEvents(10), 'no_stream');
    }
    const small = new PostgresEventStore(database.url, { subscriptionBatchSize: 7, subscriptionCapacity: 5 });
    try {
      const subscription = small.subscribeToAll({ after: before, streamPrefixes: [prefix] });
      const received = await collect(subscription, 300);
      expect(received.map((e) => e.position)).toEqual(
        (await store.readAll({ after: before })).map((e) => e.position),
      );
    } finally {
      await small.close();
    }
  });

  it('stores revisions and positions as numbers, not strings', async () => {
    const streamId = `${uniquePrefix('numbers')}1`;
    await store.append(streamId, someEvents(1), 'no_stream');
    const [event] = await store.readStream(streamId);
    expect(typeof event?.position).toBe('number');
    expect(typeof event?.revision).toBe('number');
    expect(typeof (await store.headPosition())).toBe('number');
  });

  it('reads the metadata keys asked for and leaves the others out, and recorded times to the millisecond', async () => {
    const prefix = uniquePrefix('metadata-keys-pg');
    const [plain, signed] = someEvents(2);
    await store.append(
      `${prefix}1`,
      [
        { ...plain, metadata: { actor: { id: 'a-1' }, hash: 'h1', prevHash: 'h0' } },
        { ...signed, metadata: { hash: 'h2', 'odd key': "it's" } },
      ],
      'no_stream',
    );
    const picked = await store.readAll({ streamPrefixes: [prefix], metadataKeys: ['actor', 'odd key'] });
    expect(picked.map((e) => e.metadata)).toEqual([{ actor: { id: 'a-1' } }, { 'odd key': "it's" }]);
    const none = await store.readAll({ streamPrefixes: [prefix], metadataKeys: [] });
    expect(none.map((e) => e.metadata)).toEqual([{}, {}]);

    const { rows } = await store.pool.query<{ recorded_at: Date }>(
      'SELECT recorded_at FROM es_events WHERE stream_id = $1 ORDER BY revision',
      [`${prefix}1`],
    );
    expect(picked.map((e) => e.recordedAt)).toEqual(rows.map((r) => r.recorded_at));
    expect(picked.every((e) => e.recordedAt instanceof Date)).toBe(true);
  });

  it('rejects an event id that is not a uuid before touching the database', async () => {
    const streamId = `${uniquePrefix('bad-id')}1`;
    await expect(
      store.append(streamId, [{ eventId: 'sheet-1', type: 'T', data: {}, metadata: {} }], 'no_stream'),
    ).rejects.toThrow(TypeError);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
