import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10: each district × contest row records the position of the last event that changed it. The results
 * projection keeps the rows it wrote between batches and reads back only those whose last position differs, and
 * writes a row's candidate votes as the entries that changed (a province's row holds every candidate of the
 * province: 6.6 KB on average over a national night, read and written whole by every batch before). Results
 * projection version 5 rebuilds the rows, so every row has its real last position.
 *
 * The votes are stored out of line without compression (STORAGE EXTERNAL): PostgreSQL compressed and decompressed
 * every such row on each write, most of the server's time for updating them (`npm run bench:district-rows`, rows of
 * 330 candidates: 6.7 against 21.7 ms of server CPU per batch of 80 rows), for more bytes per row in the table and
 * the WAL.
 */
export class DistrictLastPosition1765600000000 implements MigrationInterface {
  name = 'DistrictLastPosition1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_district_results ADD COLUMN last_position bigint NOT NULL DEFAULT -1');
    await q.query('ALTER TABLE rm_district_results ALTER COLUMN candidate_votes SET STORAGE EXTERNAL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_district_results ALTER COLUMN candidate_votes SET STORAGE EXTENDED');
    await q.query('ALTER TABLE rm_district_results DROP COLUMN last_position');
  }
}
