import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 9: the live timeline becomes a projection of its own (live-timeline), with one point per 10 s bucket of
 * recording time whatever the batching. Its running sums leave rm_turnout_elections (turnout v2 rebuilds without
 * them); the points written by turnout v1 depended on batch boundaries, so they go: live-timeline v1 replays them.
 */
export class LiveTimelineProjection1764000000000 implements MigrationInterface {
  name = 'LiveTimelineProjection1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_live_timeline_elections (
        election_id        text PRIMARY KEY,
        registered_voters  bigint NOT NULL,
        contests_expected  jsonb NOT NULL,
        contests_reported  jsonb NOT NULL,
        voters_voted       bigint NOT NULL,
        last_position      bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_live_timeline_areas (
        election_id      text NOT NULL,
        polling_area_id  text NOT NULL,
        as_of            timestamptz NOT NULL,
        voters_voted     bigint NOT NULL,
        PRIMARY KEY (election_id, polling_area_id)
      )`);
    await q.query('TRUNCATE rm_live_timeline');
    await q.query(`
      ALTER TABLE rm_turnout_elections
        DROP COLUMN contests_expected,
        DROP COLUMN contests_reported,
        DROP COLUMN voters_voted,
        DROP COLUMN last_position`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Turnout v1 rebuilds these columns from the log (its checkpoint version differs): defaults only make them valid.
    await q.query(`
      ALTER TABLE rm_turnout_elections
        ADD COLUMN contests_expected jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN contests_reported jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN voters_voted bigint NOT NULL DEFAULT 0,
        ADD COLUMN last_position bigint NOT NULL DEFAULT -1`);
    await q.query('DROP TABLE IF EXISTS rm_live_timeline_areas');
    await q.query('DROP TABLE IF EXISTS rm_live_timeline_elections');
  }
}
