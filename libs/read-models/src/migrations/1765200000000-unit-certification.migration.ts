import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11: a unit's certification (unit-<e>.<contest>.<unit> streams). Results v2 replays the log into the new
 * columns; the defaults only make the old rows valid until it has.
 */
export class UnitCertification1765200000000 implements MigrationInterface {
  name = 'UnitCertification1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rm_unit_results
        ADD COLUMN certification jsonb,
        ADD COLUMN unit_revision integer NOT NULL DEFAULT -1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_unit_results DROP COLUMN certification, DROP COLUMN unit_revision');
  }
}
