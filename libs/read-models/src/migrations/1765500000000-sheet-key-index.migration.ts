import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10: the results projection looks its batch's sheets up by key. On a table that grew since its last ANALYZE
 * (every election night starts empty), PostgreSQL 18 costed a skip scan of rm_tally_sheets_district_idx below the
 * primary key and scanned a whole district per sheet: ~4 ms per batch at 10,000 sheets, and growing. A unique index
 * on the key as one expression is the only index that expression can use, and its uniqueness tells the planner
 * "one row per key" without statistics.
 */
export class SheetKeyIndex1765500000000 implements MigrationInterface {
  name = 'SheetKeyIndex1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX rm_tally_sheets_key_idx
        ON rm_tally_sheets ((election_id || '/' || polling_area_id || '/' || contest_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX rm_tally_sheets_key_idx');
  }
}
