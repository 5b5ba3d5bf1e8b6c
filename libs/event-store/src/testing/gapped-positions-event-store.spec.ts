import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { migratePostgresEventStore } from '../postgres/postgres-migrations';
import { someEvents, uniquePrefix } from './contract-helpers';
import { describeEventStoreContract } from './event-store.contract';
import { ForeignPositionError, GappedPositionsEventStore } from './gapped-positions-event-store';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('gapped_positions');
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

// The whole contract on PostgreSQL behind KurrentDB-like gapped positions: it holds without position arithmetic.
describeEventStoreContract(
  'postgres behind gapped positions',
  async () => {
    const store = new GappedPositionsEventStore(new PostgresEventStore(database.url, { poolSize: 10 }));
    return { store, dispose: () => store.close() };
  },
  { appendConditions: true },
);

describe('GappedPositionsEventStore', () => {
  let store: GappedPositionsEventStore;

  beforeAll(() => {
    store = new GappedPositionsEventStore(new PostgresEventStore(database.url, { poolSize: 2 }));
  });

  afterAll(async () => {
    await store.close();
  });

  it('hands out positions with gaps and refuses to read after a number that is none of them', async () => {
    const prefix = uniquePrefix('gaps');
    await store.append(`${prefix}1`, someEvents(2), 'no_stream');
    const [first, second] = await store.readAll({ streamPrefixes: [prefix] });

    expect(second.position - first.position).toBeGreaterThan(1);
    await expect(store.readAll({ after: second.position - 1 })).rejects.toBeInstanceOf(ForeignPositionError);
    await expect(store.positionAt(new Date(), { after: first.position + 1 })).rejects.toBeInstanceOf(
      ForeignPositionError,
    );
    const subscription = store.subscribeToAll({ after: first.position - 1 });
    await expect(subscription.nextBatch(1)).rejects.toBeInstanceOf(ForeignPositionError);
    await subscription.close();
    // An inclusive bound may be any number.
    expect(await store.readAll({ streamPrefixes: [prefix], to: second.position - 1 })).toEqual([first]);
  });
});
