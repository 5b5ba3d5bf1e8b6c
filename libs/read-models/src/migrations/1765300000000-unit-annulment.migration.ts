import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11: a unit's annulment (UnitResultAnnulled on unit-<e>.<contest>.<unit> streams). Results v3 replays the log
 * into the new column; until it has, null means "not annulled", which the old rows are.
 */
export class UnitAnnulment1765300000000 implements MigrationInterface {
  name = 'UnitAnnulment1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_unit_results ADD COLUMN annulment jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_unit_results DROP COLUMN annulment');
  }
}
