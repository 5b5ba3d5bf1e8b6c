import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 5: turnout through the polling day, and the live timeline of turnout and reporting progress. */
export class CreateTurnoutReadModels1763000000000 implements MigrationInterface {
  name = 'CreateTurnoutReadModels1763000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_turnout_elections (
        election_id             text PRIMARY KEY,
        reporting_times         jsonb NOT NULL,
        registered_voters       bigint NOT NULL,
        polling_areas_expected  integer NOT NULL,
        contests_expected       jsonb NOT NULL,
        contests_reported       jsonb NOT NULL,
        voters_voted            bigint NOT NULL,
        last_position           bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_turnout_districts (
        election_id             text NOT NULL,
        district_id             text NOT NULL,
        name                    text NOT NULL,
        ordinal                 integer NOT NULL,
        registered_voters       bigint NOT NULL,
        polling_areas_expected  integer NOT NULL,
        PRIMARY KEY (election_id, district_id)
      )`);
    await q.query(`
      CREATE TABLE rm_turnout_areas (
        election_id          text NOT NULL,
        polling_area_id      text NOT NULL,
        district_id          text NOT NULL,
        registered_voters    bigint NOT NULL,
        reports              jsonb NOT NULL,
        latest_voters_voted  bigint NOT NULL,
        latest_as_of         timestamptz NOT NULL,
        at_times             jsonb NOT NULL,
        last_position        bigint NOT NULL,
        PRIMARY KEY (election_id, polling_area_id)
      )`);
    await q.query(`
      CREATE TABLE rm_live_timeline (
        election_id  text NOT NULL,
        bucket       timestamptz NOT NULL,
        position     bigint NOT NULL,
        at           timestamptz NOT NULL,
        turnout      double precision NOT NULL,
        reporting    jsonb NOT NULL,
        PRIMARY KEY (election_id, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'rm_live_timeline',
      'rm_turnout_areas',
      'rm_turnout_districts',
      'rm_turnout_elections',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
