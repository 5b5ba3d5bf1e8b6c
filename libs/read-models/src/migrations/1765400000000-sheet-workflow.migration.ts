import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11: double entry and review. A sheet's standing (only `counted` sheets are in the totals) and the held and
 * unverified sheets beside the reported ones. Results v4 replays the log into the new columns; the defaults are what
 * every sheet before them was: counted.
 */
export class SheetWorkflow1765400000000 implements MigrationInterface {
  name = 'SheetWorkflow1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rm_tally_sheets
        ADD COLUMN standing text NOT NULL DEFAULT 'counted',
        ADD COLUMN held_on jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(`
      CREATE INDEX rm_tally_sheets_waiting_idx ON rm_tally_sheets (election_id, standing)
        WHERE standing <> 'counted'`);
    await q.query("ALTER TABLE rm_polling_area_results ADD COLUMN standing text NOT NULL DEFAULT 'counted'");
    for (const table of ['rm_district_results', 'rm_unit_results']) {
      await q.query(`
        ALTER TABLE ${table}
          ADD COLUMN polling_areas_held bigint NOT NULL DEFAULT 0,
          ADD COLUMN polling_areas_unverified bigint NOT NULL DEFAULT 0`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['rm_district_results', 'rm_unit_results']) {
      await q.query(
        `ALTER TABLE ${table} DROP COLUMN polling_areas_held, DROP COLUMN polling_areas_unverified`,
      );
    }
    await q.query('ALTER TABLE rm_polling_area_results DROP COLUMN standing');
    await q.query('DROP INDEX rm_tally_sheets_waiting_idx');
    await q.query('ALTER TABLE rm_tally_sheets DROP COLUMN standing, DROP COLUMN held_on');
  }
}
