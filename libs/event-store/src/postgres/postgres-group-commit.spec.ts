import { Pool, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import {
  type AppendCondition,
  AppendConditionFailedError,
  type AppendResult,
  DuplicateEventIdError,
  type EventToAppend,
  type ExpectedRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { anEvent, sleep, someEvents, uniquePrefix } from '../testing/contract-helpers';
import { PostgresEventStore } from './postgres-event-store';
import { migratePostgresEventStore } from './postgres-migrations';

/*
 * Group commit specifics (the contract suite runs in postgres-event-store.spec.ts with group commit on and off).
 * Appends issued in one synchronous burst all land in one batch: the batch is taken only after its transaction
 * got a connection and the head lock, which is after the burst. The stats counters check that.
 *
 * A deferred constraint trigger, test-only, fires at COMMIT for two event types: it fails the commit, or delays it.
 */
const TEST_TRIGGER_SQL = `
  CREATE FUNCTION group_commit_spec_check() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.type = 'FailAtCommit' THEN RAISE EXCEPTION 'commit refused by the spec trigger'; END IF;
    PERFORM pg_sleep(0.3);
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER group_commit_spec_check AFTER INSERT ON es_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.type IN ('FailAtCommit', 'SlowCommit')) EXECUTE FUNCTION group_commit_spec_check();`;

let database: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  database = await createTestDatabase('group_commit');
  const pool = new Pool({ connectionString: database.url, max: 1 });
  try {
    await migratePostgresEventStore(pool);
    await pool.query(TEST_TRIGGER_SQL);
  } finally {
    await pool.end();
  }
  store = new PostgresEventStore(database.url, { poolSize: 5 });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

interface Call {
  streamId: string;
  events: EventToAppend[];
  expected: ExpectedRevision;
}

const call = (streamId: string, events: EventToAppend[], expected: ExpectedRevision): Call => ({
  streamId,
  events,
  expected,
});

function burst(target: PostgresEventStore, calls: Call[]): Promise<PromiseSettledResult<AppendResult>[]> {
  return Promise.allSettled(calls.map((c) => target.append(c.streamId, c.events, c.expected)));
}

function stats(target: PostgresEventStore = store): { batches: number; appends: number } {
  const current = target.groupCommitStats;
  if (!current) throw new Error('group commit is off');
  return current;
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe('PostgresEventStore group commit', () => {
  it('gives every caller of one batch its own outcome, and positions stay gapless in call order', async () => {
    const prefix = uniquePrefix('gc-outcomes');
    const shared = `${prefix}shared`;
    await store.append(shared, someEvents(2), 'no_stream');
    const earlier = someEvents(1);
    const earlierResult = await store.append(`${prefix}earlier`, earlier, 'no_stream');
    const before = await store.headPosition();
    const statsBefore = stats();

    const id = anEvent();
    const plain = (n: number): Call => call(`${prefix}own-${n}`, someEvents(1 + (n % 2)), 'no_stream');
    const calls = [
      plain(0),
      call(shared, someEvents(1), 1), // 1: ok, revision 2
      call(shared, someEvents(1), 1), // 2: stale, it must see call 1
      plain(1),
      call(shared, someEvents(1), 2), // 4: ok after call 1, revision 3
      call(`${prefix}t`, [id], 'no_stream'), // 5: ok
      call(`${prefix}u`, [id], 'no_stream'), // 6: id taken by call 5 (uncommitted, same batch)
      call(`${prefix}t`, [id], 'no_stream'), // 7: retry of call 5: its result
      call(`${prefix}earlier`, earlier, 'no_stream'), // 8: retry of a committed append
      call(`${prefix}bad`, [{ ...anEvent(), data: { text: 'nul \u0000' } }], 'no_stream'), // 9: SQL error
      call(shared, someEvents(1), 'no_stream'), // 10: the stream exists
      ...range(2, 30).map(plain),
    ];
    const outcomes = await burst(store, calls);

    expect(stats()).toEqual({
      batches: statsBefore.batches + 1,
      appends: statsBefore.appends + calls.length,
    });
    const rejected = (index: number): unknown => (outcomes[index] as PromiseRejectedResult).reason;
    const value = (index: number): AppendResult | undefined =>
      outcomes[index]?.status === 'fulfilled' ? outcomes[index].value : undefined;
    expect(rejected(2)).toBeInstanceOf(WrongExpectedRevisionError);
    expect(rejected(2)).toMatchObject({ expected: 1, actual: 2 });
    expect(value(4)?.revision).toBe(3);
    expect(rejected(6)).toBeInstanceOf(DuplicateEventIdError);
    expect(rejected(6)).toMatchObject({ existingStreamId: `${prefix}t` });
    expect(value(7)).toEqual({ ...value(5), alreadyStored: true });
    expect(value(8)).toEqual({ ...earlierResult, alreadyStored: true });
    expect(rejected(9)).toMatchObject({ code: '22P05' }); // jsonb refuses \u0000
    expect(rejected(10)).toMatchObject({ expected: 'no_stream', actual: 3 });
    const failed = new Set([2, 6, 9, 10]);
    outcomes.forEach((outcome, index) =>
      expect(outcome.status).toBe(failed.has(index) ? 'rejected' : 'fulfilled'),
    );

    // Exactly the events of the appends that wrote, in call order, at the positions right after the old head.
    const writers = calls.filter((_, index) => !failed.has(index) && index !== 7 && index !== 8);
    const written = writers.flatMap((c) => c.events.map((e) => e.eventId));
    const stored = await store.readAll({ after: before });
    expect(stored.map((e) => e.eventId)).toEqual(written);
    expect(stored.map((e) => e.position)).toEqual(range(before + 1, written.length));
    expect(await store.headPosition()).toBe(before + written.length);
    expect(await store.readStream(`${prefix}u`)).toEqual([]);
    expect(await store.readStream(`${prefix}bad`)).toEqual([]);
    expect((await store.readStream(shared)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('sends a batch of mixed outcomes as one call, and each caller gets its own outcome', async () => {
    const prefix = uniquePrefix('gc-mixed');
    // A store on a pool of its own, whose connections count the statements they are sent.
    const pool = new Pool({ connectionString: database.url, max: 2 });
    let statements = 0;
    const counted = new WeakSet<PoolClient>();
    pool.on('acquire', (client) => {
      if (counted.has(client)) return;
      counted.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        statements += 1;
        return query(...args);
      };
    });
    const mixed = new PostgresEventStore(pool, { endPoolOnClose: true });
    try {
      const committed = someEvents(2);
      const original = await mixed.append(`${prefix}committed`, committed, 'no_stream');
      const taken = anEvent();
      await mixed.append(`${prefix}owner`, [taken], 'no_stream');
      await mixed.append(`${prefix}stale`, someEvents(3), 'no_stream');
      const before = await mixed.headPosition();
      const statsBefore = stats(mixed);
      statements = 0;

      const created = someEvents(2);
      const continued = someEvents(1);
      const fresh = someEvents(1);
      const calls = [
        call(`${prefix}fresh`, fresh, 'no_stream'), // stored
        call(`${prefix}committed`, committed, 'no_stream'), // replayed: the original result
        call(`${prefix}stale`, someEvents(1), 1), // conflict: the stream is at revision 2
        call(`${prefix}thief`, [taken, anEvent()], 'no_stream'), // duplicate id, stored in another stream
        call(`${prefix}pair`, created, 'no_stream'), // stored, revisions 0 and 1
        call(`${prefix}pair`, continued, 1), // stored: expects the revision the call before it creates
      ];
      const outcomes = await burst(mixed, calls);

      expect(stats(mixed)).toEqual({ batches: statsBefore.batches + 1, appends: statsBefore.appends + 6 });
      expect(statements).toBe(1);
      const [stored, replayed, conflict, duplicate, first, second] = outcomes;
      expect(stored).toEqual({
        status: 'fulfilled',
        value: { streamId: `${prefix}fresh`, revision: 0, position: before + 1, alreadyStored: false },
      });
      expect(replayed).toEqual({ status: 'fulfilled', value: { ...original, alreadyStored: true } });
      expect(conflict).toMatchObject({ status: 'rejected', reason: { expected: 1, actual: 2 } });
      expect((conflict as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((duplicate as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
      expect(duplicate).toMatchObject({
        reason: { eventId: taken.eventId, existingStreamId: `${prefix}owner` },
      });
      expect(first).toEqual({
        status: 'fulfilled',
        value: { streamId: `${prefix}pair`, revision: 1, position: before + 3, alreadyStored: false },
      });
      expect(second).toEqual({
        status: 'fulfilled',
        value: { streamId: `${prefix}pair`, revision: 2, position: before + 4, alreadyStored: false },
      });

      const written = await mixed.readAll({ after: before });
      expect(written.map((e) => [e.eventId, e.streamId, e.revision, e.position])).toEqual([
        [fresh[0]?.eventId, `${prefix}fresh`, 0, before + 1],
        [created[0]?.eventId, `${prefix}pair`, 0, before + 2],
        [created[1]?.eventId, `${prefix}pair`, 1, before + 3],
        [continued[0]?.eventId, `${prefix}pair`, 2, before + 4],
      ]);
      expect(await mixed.headPosition()).toBe(before + 4);
      expect(await mixed.readStream(`${prefix}thief`)).toEqual([]);
      expect(await mixed.readStream(`${prefix}stale`)).toHaveLength(3);
    } finally {
      await mixed.close();
    }
  });

  it('judges each condition of a batch on its own, against its stream as the earlier appends of the batch left it', async () => {
    const prefix = uniquePrefix('gc-conditions');
    const definition = `${prefix}definition`;
    const before = await store.headPosition();
    const statsBefore = stats();
    const on = (revision: number | 'no_stream', streamId = definition) => ({ streamId, revision });

    const calls: Array<Call & { condition?: AppendCondition }> = [
      call(definition, someEvents(1), 'no_stream'), // 0: stored, revision 0
      { ...call(`${prefix}a`, someEvents(1), 'no_stream'), condition: on(0) }, // 1: holds (call 0, same batch)
      { ...call(`${prefix}b`, someEvents(2), 'no_stream'), condition: on('no_stream') }, // 2: fails, actual 0
      call(`${prefix}plain`, someEvents(1), 'no_stream'), // 3: no condition
      call(definition, someEvents(1), 0), // 4: stored, revision 1
      { ...call(`${prefix}c`, someEvents(1), 'no_stream'), condition: on(0) }, // 5: fails, actual 1
      { ...call(`${prefix}d`, someEvents(1), 'no_stream'), condition: on(1) }, // 6: holds after call 4
      { ...call(`${prefix}e`, someEvents(1), 'no_stream'), condition: on('no_stream', `${prefix}none`) }, // 7
      { ...call(`${prefix}a`, someEvents(1), 'no_stream'), condition: on(1) }, // 8: holds, but call 1 made a
    ];
    const outcomes = await Promise.allSettled(
      calls.map((c) => store.append(c.streamId, c.events, c.expected, { condition: c.condition })),
    );

    expect(stats()).toEqual({
      batches: statsBefore.batches + 1,
      appends: statsBefore.appends + calls.length,
    });
    const reason = (index: number): unknown => (outcomes[index] as PromiseRejectedResult).reason;
    expect(reason(2)).toBeInstanceOf(AppendConditionFailedError);
    expect(reason(2)).toMatchObject({ streamId: definition, expected: 'no_stream', actual: 0 });
    expect(reason(5)).toMatchObject({ name: 'AppendConditionFailedError', expected: 0, actual: 1 });
    expect(reason(8)).toBeInstanceOf(WrongExpectedRevisionError);
    const failed = new Set([2, 5, 8]);
    outcomes.forEach((outcome, index) =>
      expect(outcome.status).toBe(failed.has(index) ? 'rejected' : 'fulfilled'),
    );

    // The appends that held, in call order, at the positions right after the old head: no gap where one failed.
    const written = calls
      .filter((_, index) => !failed.has(index))
      .flatMap((c) => c.events.map((e) => e.eventId));
    const stored = await store.readAll({ after: before });
    expect(stored.map((e) => e.eventId)).toEqual(written);
    expect(stored.map((e) => e.position)).toEqual(range(before + 1, written.length));
    expect(await store.readStream(`${prefix}b`)).toEqual([]);
    expect(await store.readStream(`${prefix}c`)).toEqual([]);
  });

  it('keeps each append its condition when a failed batch is re-run one append per call', async () => {
    const prefix = uniquePrefix('gc-conditions-rerun');
    const definition = `${prefix}definition`;
    const before = await store.headPosition();
    const first = someEvents(1);
    const second = someEvents(1);
    const [defined, holds, poison, fails] = await Promise.allSettled([
      store.append(definition, first, 'no_stream'),
      store.append(`${prefix}holds`, second, 'no_stream', {
        condition: { streamId: definition, revision: 0 },
      }),
      store.append(`${prefix}poison`, [anEvent('FailAtCommit')], 'no_stream'),
      store.append(`${prefix}fails`, someEvents(1), 'no_stream', {
        condition: { streamId: definition, revision: 'no_stream' },
      }),
    ]);

    expect(defined.status).toBe('fulfilled');
    expect(holds).toMatchObject({ status: 'fulfilled', value: { revision: 0, position: before + 2 } });
    expect(poison).toMatchObject({
      status: 'rejected',
      reason: { message: 'commit refused by the spec trigger' },
    });
    expect((fails as PromiseRejectedResult).reason).toBeInstanceOf(AppendConditionFailedError);
    expect(fails).toMatchObject({ reason: { expected: 'no_stream', actual: 0 } });
    expect((await store.readAll({ after: before })).map((e) => e.eventId)).toEqual(
      [...first, ...second].map((e) => e.eventId),
    );
  });

  it('keeps the head lock and undoes the head update when an append rolls back to its savepoint', async () => {
    const prefix = uniquePrefix('gc-savepoint');
    const client = await store.pool.connect();
    const other = await store.pool.connect();
    try {
      await client.query('BEGIN');
      const first = await store.appendInTransaction(client, `${prefix}a`, someEvents(1), 'no_stream');
      await client.query('SAVEPOINT s');
      await store.appendInTransaction(client, `${prefix}b`, someEvents(2), 'no_stream');
      await client.query('ROLLBACK TO SAVEPOINT s');

      const head = await client.query<{ last_position: string }>('SELECT last_position FROM es_log_head');
      expect(Number(head.rows[0]?.last_position)).toBe(first.position);
      // Still locked by the transaction: another writer would wait (NOWAIT makes it fail instead).
      await expect(other.query('SELECT 1 FROM es_log_head FOR UPDATE NOWAIT')).rejects.toMatchObject({
        code: '55P03',
      });
      const second = await store.appendInTransaction(client, `${prefix}c`, someEvents(1), 'no_stream');
      await client.query('COMMIT');

      expect(second.position).toBe(first.position + 1);
      const stored = await store.readAll({ after: first.position - 1 });
      expect(stored.map((e) => [e.streamId, e.position])).toEqual([
        [`${prefix}a`, first.position],
        [`${prefix}c`, first.position + 1],
      ]);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      other.release();
    }
  });

  it('re-runs a batch whose call fails (here: its COMMIT) one append per call, so only the failing one is refused', async () => {
    const prefix = uniquePrefix('gc-commit-fails');
    await store.append(`${prefix}existing`, someEvents(1), 'no_stream');
    const before = await store.headPosition();
    const statsBefore = stats();
    const calls = [
      call(`${prefix}a`, someEvents(1), 'no_stream'),
      call(`${prefix}existing`, someEvents(1), 'no_stream'), // refused on its own: the stream exists
      call(`${prefix}poison`, [anEvent('FailAtCommit')], 'no_stream'),
      call(`${prefix}b`, someEvents(2), 'no_stream'),
    ];

    const [a, existing, poison, b] = await burst(store, calls);
    expect(stats().batches).toBe(statsBefore.batches + 1);
    expect(a).toEqual({
      status: 'fulfilled',
      value: { streamId: `${prefix}a`, revision: 0, position: before + 1, alreadyStored: false },
    });
    expect((existing as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(poison).toMatchObject({
      status: 'rejected',
      reason: { message: 'commit refused by the spec trigger' },
    });
    expect(b).toEqual({
      status: 'fulfilled',
      value: { streamId: `${prefix}b`, revision: 1, position: before + 3, alreadyStored: false },
    });
    // Nothing of the failed batch call nor of the poisoned append is stored, and no position is skipped.
    const stored = await store.readAll({ after: before });
    expect(stored.map((e) => [e.streamId, e.position])).toEqual([
      [`${prefix}a`, before + 1],
      [`${prefix}b`, before + 2],
      [`${prefix}b`, before + 3],
    ]);
    expect(await store.headPosition()).toBe(before + 3);
  });

  it('answers a caller only after COMMIT returned, when other sessions can read the events', async () => {
    const streamId = `${uniquePrefix('gc-durable')}1`;
    const started = Date.now();
    const seen = await store.append(streamId, [anEvent('SlowCommit')], 'no_stream').then(async () => ({
      elapsed: Date.now() - started,
      rows: (await store.pool.query('SELECT 1 FROM es_events WHERE stream_id = $1', [streamId])).rowCount,
    }));
    expect(seen.rows).toBe(1);
    expect(seen.elapsed).toBeGreaterThanOrEqual(250);
  });

  it('answers every caller of a batch whose connection is killed mid-call; none is left waiting, none is lost', async () => {
    const prefix = uniquePrefix('gc-killed');
    const holder = await store.pool.connect();
    let held = true;
    try {
      await holder.query('BEGIN');
      await store.appendInTransaction(holder, `${prefix}blocker`, someEvents(1), 'no_stream');
      // One batch of four, waiting for the head lock this transaction holds.
      const pending = burst(
        store,
        range(0, 4).map((n) => call(`${prefix}${n}`, someEvents(1), 'no_stream')),
      );
      let waiting: number | undefined;
      for (let i = 0; i < 1500 && waiting === undefined; i++) {
        const { rows } = await store.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        waiting = rows[0]?.pid;
        if (waiting === undefined) await sleep(10);
      }
      expect(waiting).toBeDefined();
      // A restart, a failover or an operator ends that session: the batch's call fails, its connection is gone.
      await store.pool.query('SELECT pg_terminate_backend($1)', [waiting]);
      await sleep(200);
      await holder.query('ROLLBACK');
      held = false;
      const settled = await Promise.race([pending, sleep(15_000).then(() => 'still waiting' as const)]);
      expect(settled).not.toBe('still waiting');
      const outcomes = settled as PromiseSettledResult<AppendResult>[];
      // The one run on the dead connection is refused (nothing stored: its sender retries); the others ran again.
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
      for (const [n, outcome] of outcomes.entries()) {
        const stored = await store.readStream(`${prefix}${n}`);
        expect([n, outcome.status, stored.length]).toEqual([
          n,
          outcome.status,
          outcome.status === 'fulfilled' ? 1 : 0,
        ]);
      }
    } finally {
      if (held) await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  it('gathers the appends that arrive while a batch is in flight (here: waiting for the head lock) into the next', async () => {
    const prefix = uniquePrefix('gc-gather');
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      const blocker = await store.appendInTransaction(client, `${prefix}blocker`, someEvents(1), 'no_stream');
      const statsBefore = stats();
      const pending: Promise<AppendResult>[] = [store.append(`${prefix}0`, someEvents(1), 'no_stream')];
      // The first batch is taken once a connection is at hand (a moment when busy): then send the other nine.
      for (let i = 0; i < 1000 && stats().batches === statsBefore.batches; i += 1) await sleep(5);
      for (let n = 1; n < 10; n += 1) {
        pending.push(store.append(`${prefix}${n}`, someEvents(1), 'no_stream'));
        await sleep(15);
      }
      await client.query('COMMIT');
      const results = await Promise.all(pending);

      // The first append's batch was sent at once and waited for the lock; the nine behind it went as one batch.
      expect(stats()).toEqual({ batches: statsBefore.batches + 2, appends: statsBefore.appends + 10 });
      expect(results.map((r) => r.position)).toEqual(range(blocker.position + 1, 10));
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });

  it('caps a batch by appends and by events, and close() waits for queued appends', async () => {
    const prefix = uniquePrefix('gc-caps');
    const small = new PostgresEventStore(database.url, {
      poolSize: 2,
      groupCommit: { maxAppends: 4, maxEvents: 5 },
    });
    const sizes = [1, 1, 1, 1, 1, 3, 3, 8, 1]; // batches: 4 appends | 1+3 events | 3 | 8 alone | 1
    const calls = sizes.map((size, n) => call(`${prefix}${n}`, someEvents(size), 'no_stream'));
    const outcomes = burst(small, calls);
    await small.close();

    expect((await outcomes).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(stats(small)).toEqual({ batches: 5, appends: sizes.length });
    expect(await store.readAll({ streamPrefixes: [prefix] })).toHaveLength(20);
  });

  it('runs every append in a transaction of its own with groupCommit: false', async () => {
    const unbatched = new PostgresEventStore(database.url, { poolSize: 2, groupCommit: false });
    try {
      await unbatched.append(`${uniquePrefix('gc-off')}1`, someEvents(1), 'no_stream');
      expect(unbatched.groupCommitStats).toBeUndefined();
    } finally {
      await unbatched.close();
    }
  });
});
