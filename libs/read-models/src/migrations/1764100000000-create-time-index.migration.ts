import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 9: the sparse recorded-time → position index that bounds time travel's positionAt (time-index projection). */
export class CreateTimeIndex1764100000000 implements MigrationInterface {
  name = 'CreateTimeIndex1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_time_index (
        minute       timestamptz PRIMARY KEY,
        position     bigint NOT NULL,
        recorded_at  timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rm_time_index');
  }
}
