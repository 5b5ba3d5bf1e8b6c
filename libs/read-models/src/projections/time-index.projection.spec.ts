import fc from 'fast-check';
import { migratePostgresEventStore, PostgresEventStore, START, type StoredEvent } from '@tally/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import { TimeIndexQueries } from '../queries/time-index.queries';
import { counts, facts, MemoryLog, place, smallElection } from '../testing/read-model-fixtures';
import { TimeIndexProjection } from './time-index.projection';

const E = 'hn-time';

/** A log whose events are recorded `gapsMs` apart from 20:00:00Z on polling day (MemoryLog stamps the times). */
function log(count: number, gapsMs: (index: number) => number): StoredEvent[] {
  const memory = new MemoryLog();
  memory.add(facts.electionDefined(smallElection(E)));
  for (let i = 1; i < count; i += 1) {
    memory.add(
      facts.tallySubmitted(
        E,
        place(`ba-dinh-${String(i).padStart(4, '0')}`, 'ba-dinh'),
        counts(1000, 900, 880, 20, { 'na-01-1': 880 }),
      ),
    );
  }
  let at = Date.UTC(2021, 4, 23, 20, 0, 0);
  return memory.events.map((event, index) => {
    at += index === 0 ? 0 : gapsMs(index);
    return { ...event, recordedAt: new Date(at) };
  });
}

describe('TimeIndexProjection', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const projection = new TimeIndexProjection();
  const apply = (events: StoredEvent[]) => ds.transaction((manager) => projection.apply(events, manager));
  const rows = () => ds.query('SELECT minute, position, recorded_at FROM rm_time_index ORDER BY minute');

  beforeAll(async () => {
    db = await createTestDatabase('rm_time_index');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });
  beforeEach(async () => {
    await ds.query('TRUNCATE rm_time_index');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps one row per minute of recorded time: its last position and that event’s time', async () => {
    // 20:00:00, :40, 20:01:20, 20:02:00, :40, 20:03:20 …
    const events = log(7, () => 40_000);
    await apply(events);
    expect(await rows()).toEqual([
      {
        minute: new Date('2021-05-23T20:00:00Z'),
        position: '1',
        recorded_at: new Date('2021-05-23T20:00:40Z'),
      },
      {
        minute: new Date('2021-05-23T20:01:00Z'),
        position: '2',
        recorded_at: new Date('2021-05-23T20:01:20Z'),
      },
      {
        minute: new Date('2021-05-23T20:02:00Z'),
        position: '4',
        recorded_at: new Date('2021-05-23T20:02:40Z'),
      },
      {
        minute: new Date('2021-05-23T20:03:00Z'),
        position: '5',
        recorded_at: new Date('2021-05-23T20:03:20Z'),
      },
      {
        minute: new Date('2021-05-23T20:04:00Z'),
        position: '6',
        recorded_at: new Date('2021-05-23T20:04:00Z'),
      },
    ]);
  });

  it('is idempotent and independent of batch boundaries', async () => {
    const events = log(240, (i) => (i % 7) * 3_000 + (i % 3) * 11_000);
    await apply(events);
    const once = await rows();
    await apply(events); // the same events again
    expect(await rows()).toEqual(once);

    await ds.query('TRUNCATE rm_time_index');
    for (const event of events) await apply([event]);
    expect(await rows()).toEqual(once);

    // Any split into batches (sizes 1..2,000), with a batch delivered twice, gives the same rows.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        async (sizes, again) => {
          await ds.query('TRUNCATE rm_time_index');
          const batches: StoredEvent[][] = [];
          for (let start = 0, i = 0; start < events.length; i += 1) {
            const size = sizes[i % sizes.length];
            batches.push(events.slice(start, start + size));
            start += size;
          }
          const redelivered = again % batches.length;
          for (const [index, batch] of batches.entries()) {
            await apply(batch);
            if (index === redelivered) await apply(batch);
          }
          expect(await rows()).toEqual(once);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('gives a bound strictly before the instant', async () => {
    const events = log(7, () => 40_000);
    await apply(events);
    const index = new TimeIndexQueries(ds);
    expect(await index.positionBefore(new Date('2021-05-23T19:59:00Z'))).toBe(START);
    expect(await index.positionBefore(new Date('2021-05-23T20:00:40Z'))).toBe(START);
    expect(await index.positionBefore(new Date('2021-05-23T20:00:40.001Z'))).toBe(1);
    expect(await index.positionBefore(new Date('2021-05-23T20:02:10Z'))).toBe(2);
    expect(await index.positionBefore(new Date('2021-05-23T20:02:41Z'))).toBe(4);
    expect(await index.positionBefore(new Date('2030-01-01T00:00:00Z'))).toBe(6);
  });
});

describe('TimeIndexProjection bounding positionAt on a real log', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('time_index_store');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
    store = new PostgresEventStore(db.url, { poolSize: 4 });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('finds the same position with the bound as without it', async () => {
    const appended = [facts.electionDefined(smallElection(E))];
    for (let i = 1; i <= 40; i += 1) {
      appended.push(
        facts.tallySubmitted(
          E,
          place(`ba-dinh-${String(i).padStart(4, '0')}`, 'ba-dinh'),
          counts(1000, 900, 880, 20, { 'na-01-1': 880 }),
        ),
      );
    }
    for (const fact of appended) {
      await store.append(fact.streamId, [fact.event], 'no_stream');
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const events = await store.readAll();
    // Indexed up to the 30th event only, as by a projector that lags: later instants get an older bound (still
    // valid), earlier ones none (START: the unbounded search).
    await ds.transaction((manager) => new TimeIndexProjection().apply(events.slice(0, 30), manager));
    const index = new TimeIndexQueries(ds);
    for (const event of events) {
      for (const instant of [
        new Date(event.recordedAt.getTime() + 1),
        new Date(event.recordedAt.getTime() - 1),
      ]) {
        const after = await index.positionBefore(instant);
        const bounded = await store.positionAt(instant, after === START ? {} : { after });
        expect([instant.toISOString(), bounded]).toEqual([
          instant.toISOString(),
          await store.positionAt(instant),
        ]);
      }
    }
  });
});
