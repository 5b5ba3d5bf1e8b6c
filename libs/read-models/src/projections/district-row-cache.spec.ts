import type { StoredEvent } from '@tally/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { ProjectionLogger } from '../projection';
import { counts, facts, MemoryLog, place, smallElection } from '../testing/read-model-fixtures';
import { DistrictRowCache } from './district-row-cache';
import { ResultsProjection } from './results.projection';

const E = 'cache-test';
const BD1 = place('ba-dinh-0001', 'ba-dinh');
const BD2 = place('ba-dinh-0002', 'ba-dinh');
const DD1 = place('dong-da-0001', 'dong-da');
const C1 = counts(1000, 900, 880, 20, { 'na-01-1': 700, 'na-01-2': 500, 'na-01-3': 300 });
const C2 = counts(800, 700, 690, 10, { 'na-01-1': 400, 'na-01-2': 500, 'na-01-3': 200 });
const C3 = counts(1200, 1100, 1080, 20, { 'na-01-1': 900, 'na-01-2': 300, 'na-01-3': 650 });
const C1_FIXED = counts(1000, 900, 880, 20, { 'na-01-1': 600, 'na-01-2': 600, 'na-01-3': 300 });

const silent: ProjectionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The night in three batches: the definition and a sheet, two more sheets, a correction. */
function night(): StoredEvent[][] {
  const log = new MemoryLog();
  const first = [log.add(facts.electionDefined(smallElection(E))), log.add(facts.tallySubmitted(E, BD1, C1))];
  const second = [log.add(facts.tallySubmitted(E, BD2, C2)), log.add(facts.tallySubmitted(E, DD1, C3))];
  const third = [
    log.add(facts.tallyCorrected(E, BD1, C1_FIXED, C1, 'Transcription error', ['candidateVotes.na-01-1'])),
  ];
  return [first, second, third];
}

/** What PostgreSQL returned and was sent, around a manager (the projection only calls `query`). */
function recording(manager: EntityManager, log: Array<{ sql: string; params: unknown[]; rows: unknown }>) {
  return {
    query: async (sql: string, params: unknown[] = []) => {
      const rows = await manager.query(sql, params);
      log.push({ sql, params, rows });
      return rows;
    },
  } as unknown as EntityManager;
}

describe('the results projection keeps district rows between batches (DistrictRowCache)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('rm_district_cache');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });
  beforeEach(async () => {
    await ds.query('TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const apply = (projection: ResultsProjection, events: StoredEvent[]) =>
    ds.transaction((manager) => projection.apply(events, manager));
  /** Applies a batch in a transaction that then fails before COMMIT. */
  const rolledBack = (
    projection: ResultsProjection,
    events: StoredEvent[],
    manager = (m: EntityManager) => m,
  ) =>
    ds.transaction(async (m) => {
      await projection.apply(events, manager(m));
      throw new Error('the connection dropped before COMMIT');
    });
  const districtRows = () =>
    ds.query('SELECT * FROM rm_district_results ORDER BY district_id, contest_id') as Promise<
      Array<Record<string, unknown>>
    >;

  /** The rows a fresh projection leaves after the whole night in one batch. */
  async function reference(): Promise<Array<Record<string, unknown>>> {
    await apply(new ResultsProjection(silent), night().flat());
    const rows = await districtRows();
    await ds.query('TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results');
    return rows;
  }

  it('reads a kept row without its votes, and writes back only the votes that changed', async () => {
    const [first, second] = night();
    const projection = new ResultsProjection(silent);
    await apply(projection, first);

    const calls: Array<{ sql: string; params: unknown[]; rows: unknown }> = [];
    await ds.transaction((manager) => projection.apply(second, recording(manager, calls)));
    const read = calls.find((c) => c.sql.includes('CASE WHEN t.last_position'))!;
    const rows = read.rows as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.district_id, r.contest_id, r.candidate_votes])).toEqual(
      expect.arrayContaining([
        ['ba-dinh', 'na', null],
        ['dong-da', 'na', null],
      ]),
    );
    const update = calls.find((c) => c.sql.startsWith('UPDATE rm_district_results'))!;
    const sent = JSON.parse(update.params[0] as string) as Array<Record<string, unknown>>;
    // BD2 adds to every candidate of ba-dinh's NA row; dong-da's row gets its first sheet.
    expect(sent.find((r) => r.district_id === 'ba-dinh')!.changed_votes).toEqual({
      'na-01-1': 1100,
      'na-01-2': 1000,
      'na-01-3': 500,
    });
    expect(calls.some((c) => c.sql.startsWith('INSERT INTO rm_district_results'))).toBe(false);

    // Another process's projection has no copy: it reads the votes.
    await ds.query('TRUNCATE rm_elections, rm_tally_sheets, rm_district_results, rm_unit_results');
    await apply(new ResultsProjection(silent), first);
    const fresh: typeof calls = [];
    await ds.transaction((manager) => new ResultsProjection(silent).apply(second, recording(manager, fresh)));
    const freshRows = fresh.find((c) => c.sql.includes('CASE WHEN t.last_position'))!.rows as Array<
      Record<string, unknown>
    >;
    expect(freshRows.every((r) => r.candidate_votes !== null)).toBe(true);
  });

  it('reads again the rows a batch changed and then rolled back', async () => {
    const expected = await reference();
    const [first, second, third] = night();
    const projection = new ResultsProjection(silent);
    await apply(projection, first);
    // The batch changes the kept rows in memory, then its transaction fails.
    await expect(rolledBack(projection, second)).rejects.toThrow('the connection dropped');
    await apply(projection, second);
    await apply(projection, third);
    expect(await districtRows()).toEqual(expected);
  });

  it('reads again the rows another process changed in between', async () => {
    const expected = await reference();
    const [first, second, third] = night();
    const leader = new ResultsProjection(silent);
    await apply(leader, first);
    // The lock moved to another projector for one batch, then came back.
    await apply(new ResultsProjection(silent), second);
    await apply(leader, third);
    expect(await districtRows()).toEqual(expected);
  });

  it('keeps no copy that shares its votes with a row changed by a batch that then rolled back', async () => {
    const expected = await reference();
    const [first, second, third] = night();
    const projection = new ResultsProjection(silent);
    await apply(projection, first);
    await apply(projection, second);

    // Batch A (the correction) stops once it has read its district rows, before it changes them.
    let reached!: () => void;
    const readRows = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated = (manager: EntityManager) =>
      ({
        query: async (sql: string, params: unknown[] = []) => {
          if (sql.includes('FROM rm_unit_results t')) {
            reached();
            await gate;
          }
          return manager.query(sql, params);
        },
      }) as unknown as EntityManager;
    const a = rolledBack(projection, third, gated);
    a.catch(() => undefined);
    await readRows;
    // Meanwhile batch B (the second batch delivered again) reads the same rows and changes nothing.
    await apply(projection, second);
    release();
    await expect(a).rejects.toThrow('the connection dropped');

    await apply(projection, third);
    expect(await districtRows()).toEqual(expected);
  });

  it('gives the rows of one batch whatever it kept, batch by batch or event by event', async () => {
    const expected = await reference();
    const projection = new ResultsProjection(silent);
    for (const event of night().flat()) await apply(projection, [event]);
    expect(await districtRows()).toEqual(expected);
  });
});

describe('DistrictRowCache', () => {
  const row = (districtId: string, lastPosition: number) =>
    ({ districtId, lastPosition }) as unknown as RmDistrictResultEntity;

  it('keeps at most `limit` rows, dropping the one stored longest ago', () => {
    const cache = new DistrictRowCache(2);
    cache.set('a', row('a', 1));
    cache.set('b', row('b', 2));
    cache.set('a', row('a', 3));
    cache.set('c', row('c', 4));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.lastPosition).toBe(3);
    expect(cache.get('c')?.lastPosition).toBe(4);
  });
});
