import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 12: the current sheet of every polling area and contest, for the open-data exports. */
export class CreatePollingAreaResults1765000000000 implements MigrationInterface {
  name = 'CreatePollingAreaResults1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_polling_area_results (
        election_id      text NOT NULL,
        polling_area_id  text NOT NULL,
        contest_id       text NOT NULL,
        district_id      text NOT NULL,
        unit_id          text NOT NULL,
        counts           jsonb NOT NULL,
        status           text NOT NULL CHECK (status IN ('submitted', 'corrected')),
        revision         integer NOT NULL,
        counts_revision  integer NOT NULL,
        corrections      integer NOT NULL,
        position         bigint NOT NULL,
        event_hash       text,
        scan_digest      text,
        scans            integer NOT NULL,
        PRIMARY KEY (election_id, polling_area_id, contest_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS rm_polling_area_results');
  }
}
