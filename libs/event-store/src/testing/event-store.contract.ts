import {
  type AppendCondition,
  AppendConditionFailedError,
  AppendConditionsUnsupportedError,
  type AppendResult,
  DuplicateEventIdError,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type StoredEvent,
  START,
  WrongExpectedRevisionError,
} from '../event-store.port';
import {
  anEvent,
  appendWithRetry,
  captureError,
  collect,
  expectStrictlyIncreasing,
  sleep,
  someEvents,
  uniquePrefix,
} from './contract-helpers';

/** An append left inside an open transaction: the caller decides when (and whether) it commits. */
export interface OpenAppend {
  result: AppendResult;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface EventStoreContractSubject {
  store: EventStore;
  /**
   * Adapters whose appends can join a caller's transaction (postgres) provide this: begin a transaction, append
   * in it through the adapter's own append path, and return without committing.
   */
  beginAppend?(streamId: string, events: EventToAppend[], expected: ExpectedRevision): Promise<OpenAppend>;
  dispose(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show. Call at the top level of a spec file; `factory` runs once in
 * beforeAll and the subject is disposed in afterAll. Every test writes to its own stream ids.
 */
export interface EventStoreContractOptions {
  /** The subject provides `beginAppend`; without it the open-transaction tests are reported as skipped. */
  openTransactions?: boolean;
  /**
   * The store checks append conditions (supportsAppendConditions must say so): the condition tests run. Without it
   * the store must say false and refuse every append that carries one.
   */
  appendConditions?: boolean;
}

export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreContractSubject>,
  options: EventStoreContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });

    afterAll(async () => {
      await subject?.dispose();
    });

    describe('append and readStream', () => {
      it('stores a new stream and reads it back in revision order', async () => {
        const streamId = `${uniquePrefix('new')}1`;
        const events = someEvents(3);
        const result = await store.append(streamId, events, 'no_stream');
        const stored = await store.readStream(streamId);

        expect(stored.map((e) => [e.eventId, e.revision, e.type, e.data, e.metadata, e.streamId])).toEqual(
          events.map((e, index) => [e.eventId, index, e.type, e.data, e.metadata, streamId]),
        );
        expectStrictlyIncreasing(stored.map((e) => e.position));
        expect(result).toEqual({
          streamId,
          revision: 2,
          position: stored[2]?.position,
          alreadyStored: false,
        });
        expect(stored[0]?.recordedAt).toBeInstanceOf(Date);
      });

      it('continues a stream at its exact revision and with any', async () => {
        const streamId = `${uniquePrefix('continue')}1`;
        await store.append(streamId, someEvents(2), 'no_stream');
        const exact = await store.append(streamId, someEvents(1), 1);
        const any = await store.append(streamId, someEvents(2), 'any');

        expect(exact.revision).toBe(2);
        expect(any.revision).toBe(4);
        expect(any.position).toBeGreaterThan(exact.position);
        expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('starts a stream with any', async () => {
        const streamId = `${uniquePrefix('any-new')}1`;
        const result = await store.append(streamId, someEvents(1), 'any');
        expect(result.revision).toBe(0);
      });

      it('reads ranges of a stream and [] for a stream that does not exist', async () => {
        const streamId = `${uniquePrefix('ranges')}1`;
        await store.append(streamId, someEvents(5), 'no_stream');

        expect((await store.readStream(streamId, { fromRevision: 2 })).map((e) => e.revision)).toEqual([
          2, 3, 4,
        ]);
        expect(
          (await store.readStream(streamId, { fromRevision: 1, maxCount: 2 })).map((e) => e.revision),
        ).toEqual([1, 2]);
        expect(await store.readStream(streamId, { fromRevision: 5 })).toEqual([]);
        expect(await store.readStream(`${uniquePrefix('missing')}1`)).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it('refuses no_stream when the stream exists, reporting its revision', async () => {
        const streamId = `${uniquePrefix('exists')}1`;
        await store.append(streamId, someEvents(2), 'no_stream');

        const error = await captureError(store.append(streamId, someEvents(1), 'no_stream'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId, expected: 'no_stream', actual: 1 });
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('refuses a stale revision, reporting the actual one, and writes nothing', async () => {
        const streamId = `${uniquePrefix('stale')}1`;
        await store.append(streamId, someEvents(3), 'no_stream');

        const error = await captureError(store.append(streamId, someEvents(2), 1));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId, expected: 1, actual: 2 });
        expect(await store.readStream(streamId)).toHaveLength(3);
      });

      it('refuses a revision ahead of the stream', async () => {
        const streamId = `${uniquePrefix('ahead')}1`;
        await store.append(streamId, someEvents(1), 'no_stream');
        await expect(store.append(streamId, someEvents(1), 5)).rejects.toMatchObject({
          actual: 0,
          expected: 5,
        });
      });

      it('refuses an exact revision on a stream that does not exist', async () => {
        const streamId = `${uniquePrefix('absent')}1`;
        const error = await captureError(store.append(streamId, someEvents(1), 0));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId, expected: 0, actual: 'no_stream' });
        expect(await store.readStream(streamId)).toEqual([]);
      });
    });

    describe('idempotent re-append', () => {
      it('returns the original result for the same ids and expectation, and stores nothing', async () => {
        const prefix = uniquePrefix('retry');
        const streamId = `${prefix}1`;
        const events = someEvents(2);
        const first = await store.append(streamId, events, 'no_stream');
        const again = await store.append(streamId, events, 'no_stream');

        expect(first.alreadyStored).toBe(false);
        expect(again).toEqual({ ...first, alreadyStored: true });
        expect((await store.readStream(streamId)).map((e) => e.eventId)).toEqual(
          events.map((e) => e.eventId),
        );
        expect(await store.readAll({ streamPrefixes: [prefix] })).toHaveLength(2);
      });

      it('recognises a retry of an earlier append after the stream moved on', async () => {
        const streamId = `${uniquePrefix('retry-later')}1`;
        await store.append(streamId, someEvents(1), 'no_stream');
        const second = someEvents(2);
        const original = await store.append(streamId, second, 0);
        await store.append(streamId, someEvents(1), 2);

        expect(await store.append(streamId, second, 0)).toEqual({ ...original, alreadyStored: true });
        expect(await store.append(streamId, second, 'any')).toEqual({ ...original, alreadyStored: true });
        expect(await store.readStream(streamId)).toHaveLength(4);
      });
    });

    describe('duplicate event ids', () => {
      it('refuses an id already stored in another stream, naming that stream', async () => {
        const prefix = uniquePrefix('dup');
        const event = anEvent();
        await store.append(`${prefix}a`, [event], 'no_stream');

        const error = await captureError(store.append(`${prefix}b`, [event], 'no_stream'));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: event.eventId, existingStreamId: `${prefix}a` });
        expect(await store.readStream(`${prefix}b`)).toEqual([]);
      });

      it('refuses an id stored at another place in the same stream', async () => {
        const streamId = `${uniquePrefix('dup-place')}1`;
        const event = anEvent();
        await store.append(streamId, [event], 'no_stream');
        await store.append(streamId, someEvents(1), 0);

        await expect(store.append(streamId, [event], 1)).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('refuses a request that repeats some stored ids and adds new ones', async () => {
        const streamId = `${uniquePrefix('dup-partial')}1`;
        const event = anEvent();
        await store.append(streamId, [event], 'no_stream');

        await expect(store.append(streamId, [event, anEvent()], 'no_stream')).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        await expect(store.append(streamId, [event, anEvent()], 'any')).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('lets exactly one of two racing appends of one id to two streams win', async () => {
        const prefix = uniquePrefix('dup-race');
        for (let round = 0; round < 8; round += 1) {
          const event = anEvent();
          const outcomes = await Promise.allSettled([
            store.append(`${prefix}${round}-a`, [event], 'no_stream'),
            store.append(`${prefix}${round}-b`, [event], 'no_stream'),
          ]);
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(1);
          expect(lost[0]?.reason).toBeInstanceOf(DuplicateEventIdError);
        }
        expect(await store.readAll({ streamPrefixes: [prefix] })).toHaveLength(8);
      });
    });

    describe('append conditions', () => {
      // Stores that check conditions (postgres) store or refuse by them; the others (kurrentdb) refuse every one.
      const itChecking = options.appendConditions ? it : it.skip;
      const itNotChecking = options.appendConditions ? it.skip : it;

      it('says whether it checks them', () => {
        expect(store.supportsAppendConditions).toBe(options.appendConditions === true);
      });

      itChecking('stores an append whose condition holds, on another stream or on no stream', async () => {
        const prefix = uniquePrefix('cond-holds');
        await store.append(`${prefix}definition`, someEvents(2), 'no_stream');

        const onStream = await store.append(`${prefix}sheet-1`, someEvents(1), 'no_stream', {
          condition: { streamId: `${prefix}definition`, revision: 1 },
        });
        const onNoStream = await store.append(`${prefix}sheet-2`, someEvents(2), 'no_stream', {
          condition: { streamId: `${prefix}absent`, revision: 'no_stream' },
        });
        const onItself = await store.append(`${prefix}sheet-2`, someEvents(1), 1, {
          condition: { streamId: `${prefix}sheet-2`, revision: 1 },
        });

        expect([onStream.revision, onNoStream.revision, onItself.revision]).toEqual([0, 1, 2]);
        expect(onItself.position).toBeGreaterThan(onNoStream.position);
        expect(await store.readStream(`${prefix}sheet-1`)).toHaveLength(1);
        expect(await store.readStream(`${prefix}sheet-2`)).toHaveLength(3);
        expect(await store.readStream(`${prefix}absent`)).toEqual([]);
      });

      itChecking(
        'refuses an append whose condition does not hold, naming the stream and its revision, and writes nothing',
        async () => {
          const prefix = uniquePrefix('cond-fails');
          const definition = `${prefix}definition`;
          await store.append(definition, someEvents(2), 'no_stream');
          const before = await store.headPosition();

          const stale = await captureError(
            store.append(`${prefix}sheet`, someEvents(1), 'no_stream', {
              condition: { streamId: definition, revision: 0 },
            }),
          );
          expect(stale).toBeInstanceOf(AppendConditionFailedError);
          expect(stale).toMatchObject({ streamId: definition, expected: 0, actual: 1 });
          await expect(
            store.append(`${prefix}sheet`, someEvents(1), 'no_stream', {
              condition: { streamId: definition, revision: 'no_stream' },
            }),
          ).rejects.toMatchObject({ name: 'AppendConditionFailedError', expected: 'no_stream', actual: 1 });
          await expect(
            store.append(`${prefix}sheet`, someEvents(1), 'no_stream', {
              condition: { streamId: `${prefix}absent`, revision: 0 },
            }),
          ).rejects.toMatchObject({ streamId: `${prefix}absent`, expected: 0, actual: 'no_stream' });

          expect(await store.readStream(`${prefix}sheet`)).toEqual([]);
          expect(await store.headPosition()).toBe(before);
          // The next append takes the place the refused ones did not.
          const next = someEvents(1);
          await store.append(`${prefix}sheet`, next, 'no_stream', {
            condition: { streamId: definition, revision: 1 },
          });
          expect((await store.readAll({ after: before })).map((e) => e.eventId)).toEqual([next[0].eventId]);
        },
      );

      itChecking(
        'checks the condition before the expected revision; a retry of a stored append gets its result whatever the condition',
        async () => {
          const prefix = uniquePrefix('cond-order');
          const definition = `${prefix}definition`;
          await store.append(definition, someEvents(1), 'no_stream');
          const events = someEvents(1);
          const original = await store.append(`${prefix}sheet`, events, 'no_stream', {
            condition: { streamId: definition, revision: 0 },
          });
          await store.append(definition, someEvents(1), 0);

          const retry = await store.append(`${prefix}sheet`, events, 'no_stream', {
            condition: { streamId: definition, revision: 0 },
          });
          expect(retry).toEqual({ ...original, alreadyStored: true });
          await expect(
            store.append(`${prefix}sheet`, someEvents(1), 'no_stream', {
              condition: { streamId: definition, revision: 0 },
            }),
          ).rejects.toBeInstanceOf(AppendConditionFailedError);
          expect(await store.readStream(`${prefix}sheet`)).toHaveLength(1);
        },
      );

      itChecking(
        'never stores an append whose condition a racing append broke: each stored one comes before the change',
        async () => {
          const prefix = uniquePrefix('cond-race');
          const rounds = await Promise.all(
            Array.from({ length: 12 }, async (_, round) => {
              const definition = `${prefix}definition-${round}`;
              await store.append(definition, someEvents(1), 'no_stream');
              const [change, ...sheets] = await Promise.allSettled([
                store.append(definition, someEvents(1), 0),
                ...[1, 2, 3].map((n) =>
                  store.append(`${prefix}sheet-${round}-${n}`, someEvents(1), 'no_stream', {
                    condition: { streamId: definition, revision: 0 },
                  }),
                ),
              ]);
              return { change, sheets };
            }),
          );
          for (const { change, sheets } of rounds) {
            if (change.status !== 'fulfilled') throw change.reason;
            for (const sheet of sheets) {
              if (sheet.status === 'fulfilled')
                expect(sheet.value.position).toBeLessThan(change.value.position);
              else expect(sheet.reason).toMatchObject({ name: 'AppendConditionFailedError', actual: 1 });
            }
          }
        },
      );

      itChecking(
        'refuses a condition that names no stream or no revision, before touching the store',
        async () => {
          const streamId = `${uniquePrefix('cond-bad')}1`;
          for (const condition of [
            { streamId: '', revision: 0 },
            { streamId, revision: -1 },
            { streamId, revision: 1.5 },
          ] as AppendCondition[]) {
            await expect(store.append(streamId, someEvents(1), 'no_stream', { condition })).rejects.toThrow(
              TypeError,
            );
          }
          expect(await store.readStream(streamId)).toEqual([]);
        },
      );

      itNotChecking('are refused outright by a store that cannot check them: it stores nothing', async () => {
        const prefix = uniquePrefix('cond-unsupported');
        await store.append(`${prefix}definition`, someEvents(1), 'no_stream');
        await expect(
          store.append(`${prefix}sheet`, someEvents(1), 'no_stream', {
            condition: { streamId: `${prefix}definition`, revision: 0 },
          }),
        ).rejects.toBeInstanceOf(AppendConditionsUnsupportedError);
        expect(await store.readStream(`${prefix}sheet`)).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('reads in position order, after a position (exclusive), at most maxCount, by prefix', async () => {
        const prefix = uniquePrefix('all');
        const appended: string[] = [];
        for (const [stream, count] of [
          ['x-1', 2],
          ['y-1', 1],
          ['x-2', 2],
          ['y-2', 1],
        ] as const) {
          const events = someEvents(count);
          await store.append(`${prefix}${stream}`, events, 'no_stream');
          appended.push(...events.map((e) => e.eventId));
        }

        const all = await store.readAll({ streamPrefixes: [prefix] });
        expect(all.map((e) => e.eventId)).toEqual(appended);
        expectStrictlyIncreasing(all.map((e) => e.position));

        const firstTwo = await store.readAll({ streamPrefixes: [prefix], maxCount: 2 });
        expect(firstTwo.map((e) => e.eventId)).toEqual(appended.slice(0, 2));
        const rest = await store.readAll({ streamPrefixes: [prefix], after: firstTwo[1]?.position });
        expect(rest.map((e) => e.eventId)).toEqual(appended.slice(2));

        const onlyX = await store.readAll({ streamPrefixes: [`${prefix}x-`] });
        expect(onlyX.map((e) => e.streamId)).toEqual([
          `${prefix}x-1`,
          `${prefix}x-1`,
          `${prefix}x-2`,
          `${prefix}x-2`,
        ]);
        const both = await store.readAll({ streamPrefixes: [`${prefix}y-`, `${prefix}x-2`] });
        expect(both.map((e) => e.eventId)).toEqual(appended.slice(2));
      });

      it('reads everything after a position without a filter, and reports the head', async () => {
        const prefix = uniquePrefix('unfiltered');
        const before = await store.headPosition();
        const result = await store.append(`${prefix}1`, someEvents(3), 'no_stream');

        expect(await store.headPosition()).toBe(result.position);
        const after = await store.readAll({ after: before });
        expect(after.filter((e) => e.streamId.startsWith(prefix))).toHaveLength(3);
        expect(after.every((e) => e.position > before)).toBe(true);
        expectStrictlyIncreasing(after.map((e) => e.position));
      });

      it('reads up to a position (inclusive) and finds the position at an instant', async () => {
        const prefix = uniquePrefix('bounded');
        const first = await store.append(`${prefix}1`, someEvents(2), 'no_stream');
        await sleep(20);
        const between = new Date();
        await sleep(20);
        await store.append(`${prefix}2`, someEvents(2), 'no_stream');

        const upTo = await store.readAll({ streamPrefixes: [prefix], to: first.position });
        expect(upTo.map((e) => e.streamId)).toEqual([`${prefix}1`, `${prefix}1`]);
        expect(upTo[upTo.length - 1].position).toBe(first.position);
        expect(
          await store.readAll({ streamPrefixes: [prefix], to: first.position, maxCount: 1 }),
        ).toHaveLength(1);

        expect(await store.positionAt(between)).toBe(first.position);
        expect(await store.positionAt(new Date(0))).toBe(START);
        const stored = await store.readAll({ streamPrefixes: [prefix] });
        const lastRecorded = stored[stored.length - 1].recordedAt.getTime();
        expect(await store.positionAt(new Date(lastRecorded + 1))).toBe(stored[stored.length - 1].position);
      });

      it('includes an event at the very instant it says it was recorded (its recordedAt, in milliseconds)', async () => {
        // An auditor copies an event's recordedAt from the audit trail into ?asOf=: "at or before" must include it,
        // however much finer than milliseconds the store keeps its time.
        const prefix = uniquePrefix('at-own-instant');
        for (let i = 0; i < 5; i++) await store.append(`${prefix}${i}`, someEvents(1), 'no_stream');
        const stored = await store.readAll({ streamPrefixes: [prefix] });
        for (const event of stored) {
          const sameMillisecond = stored.filter((e) => e.recordedAt.getTime() === event.recordedAt.getTime());
          expect([event.position, await store.positionAt(event.recordedAt)]).toEqual([
            event.position,
            Math.max(...sameMillisecond.map((e) => e.position)),
          ]);
        }
      });

      it('reads only the metadata keys asked for, each as stored, and every other field in full', async () => {
        const prefix = uniquePrefix('metadata-keys');
        const withActor = {
          ...anEvent(),
          metadata: { actor: { id: 'official-7', role: 'submitter' }, requestId: 'r-1', hash: 'h'.repeat(8) },
        };
        const withoutActor = { ...anEvent(), metadata: { requestId: 'r-2', note: null } };
        await store.append(`${prefix}1`, [withActor, withoutActor], 'no_stream');

        const full = await store.readAll({ streamPrefixes: [prefix] });
        const picked = await store.readAll({ streamPrefixes: [prefix], metadataKeys: ['actor', 'note'] });
        // A store may return more than the keys asked for, never less, and never a different value.
        const pick = (metadata: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(metadata).filter(([key]) => key === 'actor' || key === 'note'));
        expect(picked.map((e) => pick(e.metadata))).toEqual([
          { actor: { id: 'official-7', role: 'submitter' } },
          { note: null },
        ]);
        expect(picked.map((e) => ({ ...e, metadata: undefined }))).toEqual(
          full.map((e) => ({ ...e, metadata: undefined })),
        );
        const none = await store.readAll({ streamPrefixes: [prefix], metadataKeys: [] });
        expect(none.map((e) => e.eventId)).toEqual(full.map((e) => e.eventId));
      });

      it('matches prefixes literally: % and _ are not wildcards', async () => {
        const prefix = uniquePrefix('literal');
        await store.append(`${prefix}a_b%1`, someEvents(1), 'no_stream');
        await store.append(`${prefix}aXbY1`, someEvents(1), 'no_stream');

        const literal = await store.readAll({ streamPrefixes: [`${prefix}a_b%`] });
        expect(literal.map((e) => e.streamId)).toEqual([`${prefix}a_b%1`]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up on earlier events, then delivers live ones, in order', async () => {
        const prefix = uniquePrefix('sub');
        const before = await store.headPosition();
        const early = someEvents(3);
        await store.append(`${prefix}1`, early, 'no_stream');
        const subscription = store.subscribeToAll({ after: before, streamPrefixes: [prefix] });
        try {
          const caughtUp = await collect(subscription, 3, { quietMs: 0 });
          const live = someEvents(2);
          await store.append(`${prefix}1`, live.slice(0, 1), 2);
          await store.append(`${prefix}2`, live.slice(1), 'no_stream');
          const later = await collect(subscription, 2);

          expect([...caughtUp, ...later].map((e) => e.eventId)).toEqual(
            [...early, ...live].map((e) => e.eventId),
          );
          expectStrictlyIncreasing([...caughtUp, ...later].map((e) => e.position));
        } finally {
          await subscription.close();
        }
      });

      it('starts after the given position and applies the prefix filter', async () => {
        const prefix = uniquePrefix('sub-from');
        const first = await store.append(`${prefix}in-1`, someEvents(2), 'no_stream');
        const wanted = someEvents(2);
        await store.append(`${prefix}out-1`, someEvents(2), 'no_stream');
        await store.append(`${prefix}in-1`, wanted, 1);

        const subscription = store.subscribeToAll({
          after: first.position,
          streamPrefixes: [`${prefix}in-`],
        });
        try {
          const received = await collect(subscription, 2);
          expect(received.map((e) => e.eventId)).toEqual(wanted.map((e) => e.eventId));
        } finally {
          await subscription.close();
        }
      });

      it('is an async iterator that stops cleanly on break, and returns [] once closed', async () => {
        const prefix = uniquePrefix('sub-iter');
        const before = await store.headPosition();
        const events = someEvents(4);
        await store.append(`${prefix}1`, events, 'no_stream');

        const subscription = store.subscribeToAll({ after: before, streamPrefixes: [prefix] });
        const seen: StoredEvent[] = [];
        for await (const event of subscription) {
          seen.push(event);
          if (seen.length === 3) break;
        }
        expect(seen.map((e) => e.eventId)).toEqual(events.slice(0, 3).map((e) => e.eventId));
        await subscription.close();
        expect(await subscription.nextBatch(10)).toEqual([]);
      });
    });

    describe('positions are opaque cursors', () => {
      it('reads an event at its position, after it (exclusive) and up to it (inclusive), with no arithmetic', async () => {
        const prefix = uniquePrefix('opaque');
        await store.append(`${prefix}1`, someEvents(3), 'no_stream');
        await store.append(`${prefix}2`, someEvents(1), 'no_stream');
        const all = await store.readAll({ streamPrefixes: [prefix] });
        const [a, b, c, d] = all;
        const ids = (events: StoredEvent[]) => events.map((e) => e.eventId);

        expect(await store.readAt(b.position)).toEqual(b);
        expect(ids(await store.readAll({ streamPrefixes: [prefix], after: a.position }))).toEqual(
          ids([b, c, d]),
        );
        expect(ids(await store.readAll({ streamPrefixes: [prefix], after: b.position }))).toEqual(
          ids([c, d]),
        );
        expect(ids(await store.readAll({ streamPrefixes: [prefix], to: b.position }))).toEqual(ids([a, b]));
        // "From b on, inclusive" is readAt(b) then after b: never `after: b.position - 1`.
        const fromB = [
          (await store.readAt(b.position))!,
          ...(await store.readAll({ streamPrefixes: [prefix], after: b.position })),
        ];
        expect(ids(fromB)).toEqual(ids([b, c, d]));
        expect(await store.readAt(await store.headPosition())).toEqual(d);
        expect(await store.readAll({ streamPrefixes: [prefix], after: d.position })).toEqual([]);
      });

      it('answers undefined, never an error, for a number that is no event position', async () => {
        const prefix = uniquePrefix('foreign');
        await store.append(`${prefix}1`, someEvents(2), 'no_stream');
        const [first, second] = await store.readAll({ streamPrefixes: [prefix] });

        expect(await store.readAt(START)).toBeUndefined();
        expect(await store.readAt(Number.MAX_SAFE_INTEGER)).toBeUndefined();
        // Arithmetic on purpose, to make numbers that are not positions: on a gapped store some lie in between.
        const between = [
          first.position + 1,
          Math.floor((first.position + second.position) / 2),
          second.position - 1,
        ];
        for (const number of between.filter((n) => n > first.position && n < second.position)) {
          expect(await store.readAt(number)).toBeUndefined();
        }
      });

      it('finds the position at an instant from a bound, looking only at events after it', async () => {
        const prefix = uniquePrefix('at-bound');
        const first = await store.append(`${prefix}1`, someEvents(2), 'no_stream');
        const [firstOfFirst] = await store.readStream(`${prefix}1`);
        await sleep(20);
        const between = new Date();
        await sleep(20);
        const second = await store.append(`${prefix}2`, someEvents(2), 'no_stream');

        expect(await store.positionAt(between, { after: START })).toBe(first.position);
        expect(await store.positionAt(between, { after: firstOfFirst.position })).toBe(first.position);
        expect(await store.positionAt(between, { after: first.position })).toBe(first.position);
        // Nothing after the bound was recorded by then: the bound itself, not an earlier event.
        expect(await store.positionAt(between, { after: second.position })).toBe(second.position);
        const [lastStored] = (await store.readStream(`${prefix}2`)).slice(-1);
        expect(await store.positionAt(lastStored.recordedAt, { after: first.position })).toBe(
          second.position,
        );
      });
    });

    describe('system streams and bookkeeping', () => {
      const isBookkeeping = (streamId: string) =>
        streamId.startsWith('$') || streamId.startsWith('event-id-');

      it('never reads them, not even for a prefix that covers their names', async () => {
        const prefix = uniquePrefix('bookkeeping');
        const before = await store.headPosition();
        const events = someEvents(2);
        await store.append(`${prefix}1`, events, 'no_stream');

        const after = await store.readAll({ after: before });
        expect(after.map((e) => e.eventId)).toEqual(expect.arrayContaining(events.map((e) => e.eventId)));
        expect(after.filter((e) => isBookkeeping(e.streamId))).toEqual([]);
        expect(await store.readAll({ after: before, streamPrefixes: ['event-', '$'] })).toEqual([]);
        expect(await store.readAll({ after: before, maxCount: 1 })).toHaveLength(1);
      });

      it('never delivers them to a subscription, with or without prefixes', async () => {
        const prefix = uniquePrefix('bookkeeping-sub');
        const before = await store.headPosition();
        const events = someEvents(2);
        await store.append(`${prefix}1`, events, 'no_stream');

        const everything = store.subscribeToAll({ after: before });
        const covering = store.subscribeToAll({ after: before, streamPrefixes: ['event-', '$'] });
        try {
          const received = await collect(everything, 2, { quietMs: 300 });
          expect(received.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
          expect(await collect(covering, 0, { quietMs: 300 })).toEqual([]);
        } finally {
          await everything.close();
          await covering.close();
        }
      });
    });

    describe('racing retries', () => {
      it('end in the one stored result, whoever wins: none fails, nothing is stored twice', async () => {
        const prefix = uniquePrefix('twins');
        for (let round = 0; round < 6; round += 1) {
          const streamId = `${prefix}${round}`;
          const continued = round % 2 === 1;
          if (continued) await store.append(streamId, someEvents(1), 'no_stream');
          const events = someEvents(1 + (round % 3));
          const expected: ExpectedRevision = continued ? 0 : 'no_stream';
          const outcomes = await Promise.allSettled(
            [1, 2, 3].map(() => store.append(streamId, events, expected)),
          );
          expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
          const results = outcomes.map((o) => (o as PromiseFulfilledResult<AppendResult>).value);
          const stored = await store.readStream(streamId);
          expect(stored.map((e) => e.eventId)).toEqual([
            ...(continued ? [stored[0].eventId] : []),
            ...events.map((e) => e.eventId),
          ]);
          const last = stored[stored.length - 1];
          for (const result of results) {
            expect({ revision: result.revision, position: result.position }).toEqual({
              revision: last.revision,
              position: last.position,
            });
          }
          // The write that stored them says so; a twin the server deduplicated may say so too (same data).
          expect(results.filter((r) => !r.alreadyStored).length).toBeGreaterThanOrEqual(1);
        }
      });

      it('with other data under the same ids: one is stored, the others hear alreadyStored', async () => {
        const prefix = uniquePrefix('twins-differ');
        for (let round = 0; round < 4; round += 1) {
          const streamId = `${prefix}${round}`;
          const eventId = anEvent().eventId;
          const variants = [1, 2, 3].map((n) => [{ ...anEvent('Variant', { n }), eventId }]);
          const results = await Promise.all(
            variants.map((events) => store.append(streamId, events, 'no_stream')),
          );
          const [stored] = await store.readStream(streamId);
          expect(await store.readStream(streamId)).toHaveLength(1);
          const writers = results.filter((r) => !r.alreadyStored);
          expect(writers).toHaveLength(1);
          expect(results.every((r) => r.position === stored.position && r.revision === 0)).toBe(true);
        }
      });

      it('lets an id whose append failed be used later in the same stream', async () => {
        const streamId = `${uniquePrefix('retry-after-conflict')}1`;
        await store.append(streamId, someEvents(1), 'no_stream');
        const events = someEvents(1);

        await expect(store.append(streamId, events, 'no_stream')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await expect(store.append(streamId, events, 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        const later = await store.append(streamId, events, 0);
        expect(later).toMatchObject({ revision: 1, alreadyStored: false });
        expect(await store.append(streamId, events, 0)).toEqual({ ...later, alreadyStored: true });
        expect((await store.readStream(streamId)).map((e) => e.eventId)[1]).toBe(events[0].eventId);
      });
    });

    describe('concurrency', () => {
      it('delivers every event committed by concurrent writers exactly once, in position order', async () => {
        const prefix = uniquePrefix('conc');
        const before = await store.headPosition();
        const subscription = store.subscribeToAll({ after: before, streamPrefixes: [prefix] });
        try {
          const ownStreamWriters = Array.from({ length: 8 }, async (_, writer) => {
            const ids: string[] = [];
            for (let sheet = 0; sheet < 15; sheet += 1) {
              const events = someEvents(1 + (sheet % 2));
              await store.append(`${prefix}own-${writer}-${sheet}`, events, 'no_stream');
              ids.push(...events.map((e) => e.eventId));
            }
            return { ids, conflicts: 0 };
          });
          const sharedStreamWriters = Array.from({ length: 4 }, async () => {
            const ids: string[] = [];
            let conflicts = 0;
            for (let round = 0; round < 6; round += 1) {
              const events = someEvents(1, 'SharedStreamEvent');
              conflicts += (await appendWithRetry(store, `${prefix}shared`, events)).conflicts;
              ids.push(...events.map((e) => e.eventId));
            }
            return { ids, conflicts };
          });
          const results = await Promise.all([...ownStreamWriters, ...sharedStreamWriters]);
          const committed = results.flatMap((r) => r.ids);

          const received = await collect(subscription, committed.length, { quietMs: 300 });
          expect(received).toHaveLength(committed.length);
          expect(new Set(received.map((e) => e.eventId))).toEqual(new Set(committed));
          expectStrictlyIncreasing(received.map((e) => e.position));
          const shared = await store.readStream(`${prefix}shared`);
          expect(shared.map((e) => e.revision)).toEqual(Array.from({ length: 24 }, (_, i) => i));
          expect(
            (await store.readAll({ after: before, streamPrefixes: [prefix] })).map((e) => e.eventId),
          ).toEqual(received.map((e) => e.eventId));
        } finally {
          await subscription.close();
        }
      });
    });

    describe('appends inside open transactions', () => {
      const itWithTransactions = (title: string, test: () => Promise<void>): void =>
        (options.openTransactions ? it : it.skip)(title, async () => {
          if (!subject.beginAppend)
            throw new Error(`${name} declares openTransactions but has no beginAppend`);
          await test();
        });

      itWithTransactions(
        'never lets a later commit overtake a slow one, nor show a rolled-back one',
        async () => {
          const beginAppend = subject.beginAppend!.bind(subject);
          const prefix = uniquePrefix('tx');
          const before = await store.headPosition();
          const subscription = store.subscribeToAll({ after: before, streamPrefixes: [prefix] });
          try {
            const slow = someEvents(2);
            // The slow append holds its place before the others start (a fixed pause could lose that race when busy).
            const slowOpen = await beginAppend(`${prefix}slow`, slow, 'no_stream');
            const slowAppend = (async () => {
              await sleep(400);
              await slowOpen.commit();
              return slowOpen.result;
            })();
            const rolledBack = someEvents(1);
            const rollbackAppend = (async () => {
              const open = await beginAppend(`${prefix}rolled-back`, rolledBack, 'no_stream');
              await sleep(100);
              await open.rollback();
            })();
            const quick = someEvents(1);
            const quickAppend = store.append(`${prefix}quick`, quick, 'no_stream');
            const [slowResult, , quickResult] = await Promise.all([slowAppend, rollbackAppend, quickAppend]);

            const received = await collect(subscription, 3, { quietMs: 300 });
            expect(received.map((e) => e.eventId)).toEqual([...slow, ...quick].map((e) => e.eventId));
            expect(quickResult.position).toBeGreaterThan(slowResult.position);
            expect(await store.readStream(`${prefix}rolled-back`)).toEqual([]);
            const retry = await store.append(`${prefix}rolled-back`, rolledBack, 'no_stream');
            expect(retry.revision).toBe(0);
          } finally {
            await subscription.close();
          }
        },
      );

      itWithTransactions(
        'keeps order and loses nothing with mixed slow, rolled-back and plain writers',
        async () => {
          const beginAppend = subject.beginAppend!.bind(subject);
          const prefix = uniquePrefix('tx-mix');
          const before = await store.headPosition();
          const subscription = store.subscribeToAll({ after: before, streamPrefixes: [prefix] });
          try {
            const writers = Array.from({ length: 24 }, async (_, writer) => {
              const streamId = `${prefix}${writer}`;
              const events = someEvents(1 + (writer % 3));
              await sleep((writer * 7) % 40);
              if (writer % 3 === 0) {
                await store.append(streamId, events, 'no_stream');
                return events.map((e) => e.eventId);
              }
              const open = await beginAppend(streamId, events, 'no_stream');
              await sleep(10 + ((writer * 13) % 50));
              if (writer % 3 === 1) {
                await open.commit();
                return events.map((e) => e.eventId);
              }
              await open.rollback();
              return [];
            });
            const committed = (await Promise.all(writers)).flat();

            const received = await collect(subscription, committed.length, { quietMs: 300 });
            expect(new Set(received.map((e) => e.eventId))).toEqual(new Set(committed));
            expect(received).toHaveLength(committed.length);
            expectStrictlyIncreasing(received.map((e) => e.position));
          } finally {
            await subscription.close();
          }
        },
      );
    });
  });
}
