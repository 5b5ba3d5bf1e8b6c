import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-written: read-model tables never come from `synchronize`. */
export class CreateReadModels1761000000000 implements MigrationInterface {
  name = 'CreateReadModels1761000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_checkpoints (
        name        text PRIMARY KEY,
        version     integer NOT NULL,
        position    bigint NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE rm_elections (
        election_id   text PRIMARY KEY,
        name          text NOT NULL,
        polling_date  date NOT NULL,
        definition    jsonb NOT NULL,
        revision      integer NOT NULL,
        position      bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE rm_tally_sheets (
        election_id      text NOT NULL,
        polling_area_id  text NOT NULL,
        contest_id       text NOT NULL,
        district_id      text NOT NULL,
        unit_id          text NOT NULL,
        counts           jsonb NOT NULL,
        revision         integer NOT NULL,
        status           text NOT NULL CHECK (status IN ('submitted', 'corrected')),
        corrections      integer NOT NULL,
        last_position    bigint NOT NULL,
        PRIMARY KEY (election_id, polling_area_id, contest_id)
      )`);
    await q.query(
      `CREATE INDEX rm_tally_sheets_district_idx ON rm_tally_sheets (election_id, district_id, contest_id)`,
    );
    await q.query(`
      CREATE TABLE rm_district_results (
        election_id             text NOT NULL,
        district_id             text NOT NULL,
        contest_id              text NOT NULL,
        polling_areas_reported  bigint NOT NULL,
        polling_areas_expected  bigint NOT NULL,
        registered_voters       bigint NOT NULL,
        voters_voted            bigint NOT NULL,
        valid_ballots           bigint NOT NULL,
        invalid_ballots         bigint NOT NULL,
        candidate_votes         jsonb NOT NULL,
        PRIMARY KEY (election_id, district_id, contest_id)
      )`);
    await q.query(`
      CREATE TABLE rm_unit_results (
        election_id                 text NOT NULL,
        contest_id                  text NOT NULL,
        unit_id                     text NOT NULL,
        name                        text NOT NULL,
        seats                       integer NOT NULL,
        polling_areas_reported      bigint NOT NULL,
        polling_areas_expected      bigint NOT NULL,
        expected_registered_voters  bigint NOT NULL,
        registered_voters           bigint NOT NULL,
        voters_voted                bigint NOT NULL,
        valid_ballots               bigint NOT NULL,
        invalid_ballots             bigint NOT NULL,
        candidates                  jsonb NOT NULL,
        PRIMARY KEY (election_id, contest_id, unit_id)
      )`);
    await q.query(`
      CREATE TABLE rm_audit_entries (
        position         bigint PRIMARY KEY,
        election_id      text NOT NULL,
        stream_id        text NOT NULL,
        revision         integer NOT NULL,
        type             text NOT NULL,
        recorded_at      timestamptz NOT NULL,
        actor            jsonb NOT NULL,
        reason           text,
        summary          text NOT NULL,
        polling_area_id  text,
        contest_id       text,
        district_id      text
      )`);
    // The audit endpoint pages one election in position order.
    await q.query(
      `CREATE INDEX rm_audit_entries_election_position_idx ON rm_audit_entries (election_id, position)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'rm_audit_entries',
      'rm_unit_results',
      'rm_district_results',
      'rm_tally_sheets',
      'rm_elections',
      'projection_checkpoints',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
