import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: election definitions can be amended (ElectionAmended). The turnout projection remembers the revision of
 * the election stream it applied, so a redelivered amendment is applied once; rows of earlier logs hold revision 0
 * (ElectionDefined, never amended), which is what a rebuild would give them.
 */
export class ElectionAmendments1765120000000 implements MigrationInterface {
  name = 'ElectionAmendments1765120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE rm_turnout_elections ADD COLUMN definition_revision integer NOT NULL DEFAULT 0',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_turnout_elections DROP COLUMN definition_revision');
  }
}
