import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import { sheetLookupKey, SHEETS_BY_KEY_SQL } from './results-batch';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const indexesOf = (node: PlanNode): string[] => [
  ...(node['Index Name'] ? [node['Index Name']] : []),
  ...(node.Plans ?? []).flatMap(indexesOf),
];

/**
 * The results projection looks up the sheets of every batch. An election night fills rm_tally_sheets from empty,
 * faster than autovacuum analyzes it; on such a table PostgreSQL 18 preferred a skip scan of the district index to
 * the primary key, reading a whole district per sheet. The plan is checked on a table with no statistics.
 */
describe('the sheet lookup of the results projection on a table without statistics', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('rm_sheet_plan');
    ds = createReadModelDataSource(db.url, { poolSize: 2 });
    await runReadModelMigrations(ds);
    await ds.query('ALTER TABLE rm_tally_sheets SET (autovacuum_enabled = false)');
    // 30 districts × 160 polling areas × 2 contests, as the Hanoi night has them, never analyzed.
    await ds.query(`
      INSERT INTO rm_tally_sheets (election_id, polling_area_id, contest_id, district_id, unit_id, counts, revision,
                                   status, corrections, last_position)
      SELECT 'hn-2021', 'd' || d || '-' || a, c, 'd' || d, 'u' || (d % 10), '{}'::jsonb, 0, 'submitted', 0, 0
        FROM generate_series(1, 30) d, generate_series(1, 160) a, unnest(ARRAY['na', 'hdnd']) c`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('uses the key index, one lookup per sheet, and finds exactly the sheets asked for', async () => {
    const asked = Array.from({ length: 17 }, (_, i) =>
      sheetLookupKey('hn-2021', `d${(i % 30) + 1}-${i + 1}`, 'na'),
    );
    const keys = [...asked, sheetLookupKey('hn-2021', 'd1-9999', 'na')];
    const [{ 'QUERY PLAN': plans }] = await ds.query(`EXPLAIN (FORMAT JSON) ${SHEETS_BY_KEY_SQL}`, [keys]);
    expect(indexesOf((plans as Array<{ Plan: PlanNode }>)[0].Plan)).toEqual(['rm_tally_sheets_key_idx']);
    const rows: Array<Record<string, string>> = await ds.query(SHEETS_BY_KEY_SQL, [keys]);
    expect(rows.map((r) => sheetLookupKey(r.election_id, r.polling_area_id, r.contest_id)).sort()).toEqual(
      [...asked].sort(),
    );
  });
});
