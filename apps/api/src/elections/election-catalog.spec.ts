import { electionStreamId } from '@tally/domain';
import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from './election-catalog';

const NOW = '2021-05-16T09:00:00.000Z';

/** The catalog of one api process must follow an amendment appended by another (several apis share one store). */
describe('ElectionCatalog', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('catalog');
    store = new PostgresEventStore(db.url, { poolSize: 4, pollIntervalMs: 50, groupCommit: false });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const append = (electionId: string, type: string, data: object, expected: number | 'no_stream') =>
    store.append(
      electionStreamId(electionId),
      [{ eventId: randomUUID(), type, data: data as never, metadata: { actor: { id: 'test' } } }],
      expected,
    );

  it('serves the definition in force, keyed by revision, whichever process appended the amendment', async () => {
    const definition = smallElection(`cat-${randomUUID().slice(0, 8)}`);
    const { electionId } = definition;
    const one = new ElectionCatalog(store);
    const other = new ElectionCatalog(store);
    expect(await one.current(electionId)).toBeUndefined();

    const defined = await append(electionId, 'ElectionDefined', { definition, definedAt: NOW }, 'no_stream');
    const first = await one.require(electionId);
    expect(first.revision).toBe(0);
    expect(await one.require(electionId)).toBe(first);
    expect(first.index.candidatesOf('na', 'na-01')).toHaveLength(3);

    // "Another process" amends: this catalog's next lookup has it.
    await append(
      electionId,
      'ElectionAmended',
      {
        electionId,
        reason: 'Hội đồng bầu cử quốc gia',
        changes: [{ type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-3' }],
        pollingAreaChanges: [],
        amendedAt: NOW,
      },
      0,
    );
    const second = await one.require(electionId);
    expect(second.revision).toBe(1);
    expect(second.index.candidatesOf('na', 'na-01').map((c) => c.candidateId)).toEqual([
      'na-01-1',
      'na-01-2',
    ]);
    expect((await other.require(electionId)).revision).toBe(1);
    // The index of the earlier revision is untouched (a request deciding on it keeps a consistent view).
    expect(first.index.candidatesOf('na', 'na-01')).toHaveLength(3);

    const before = await one.atPosition(electionId, defined.position);
    expect(before?.revision).toBe(0);
    expect(before?.index.candidatesOf('na', 'na-01')).toHaveLength(3);
  });

  it('holds the definition without a read once loaded, with the election stream revision it reflects', async () => {
    const definition = smallElection(`cat-${randomUUID().slice(0, 8)}`);
    const { electionId } = definition;
    const catalog = new ElectionCatalog(store);
    expect(await catalog.held(electionId)).toEqual({ definition: undefined, fresh: true });
    await append(electionId, 'ElectionDefined', { definition, definedAt: NOW }, 'no_stream');
    const loaded = await catalog.held(electionId);
    expect(loaded).toMatchObject({ fresh: true, definition: { revision: 0, streamRevision: 0 } });

    await append(
      electionId,
      'ElectionAmended',
      {
        electionId,
        reason: 'Hội đồng bầu cử quốc gia',
        changes: [{ type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-3' }],
        pollingAreaChanges: [],
        amendedAt: NOW,
      },
      0,
    );
    // Held: the copy as loaded, unverified; current() reads the amendment.
    expect(await catalog.held(electionId)).toEqual({ definition: loaded.definition, fresh: false });
    expect(await catalog.current(electionId)).toMatchObject({ revision: 1, streamRevision: 1 });
    expect(await catalog.held(electionId)).toMatchObject({ fresh: false, definition: { streamRevision: 1 } });
  });

  it('lets lookups that arrive together share one read, and never one that started before them', async () => {
    const definition = smallElection(`cat-${randomUUID().slice(0, 8)}`);
    await append(definition.electionId, 'ElectionDefined', { definition, definedAt: NOW }, 'no_stream');
    const catalog = new ElectionCatalog(store);
    await catalog.current(definition.electionId);
    let reads = 0;
    const readStream = store.readStream.bind(store);
    const counting = Object.assign(Object.create(store) as PostgresEventStore, {
      readStream: (...args: Parameters<PostgresEventStore['readStream']>) => {
        reads += 1;
        return readStream(...args);
      },
    });
    const shared = new ElectionCatalog(counting);
    await shared.current(definition.electionId);
    reads = 0;
    const lookups = await Promise.all(
      Array.from({ length: 50 }, () => shared.current(definition.electionId)),
    );
    expect(lookups.every((l) => l?.revision === 0)).toBe(true);
    // The first lookup reads; the 49 that came while it was in flight share the one read queued after it.
    expect(reads).toBe(2);
  });
});
