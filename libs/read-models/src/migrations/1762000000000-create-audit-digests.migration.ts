import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 4: the running digest of each election's events in global order (see libs/domain/src/audit/hash-chain.ts). */
export class CreateAuditDigests1762000000000 implements MigrationInterface {
  name = 'CreateAuditDigests1762000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_audit_digests (
        election_id  text PRIMARY KEY,
        position     bigint NOT NULL,
        event_count  bigint NOT NULL,
        digest       text NOT NULL,
        recorded_at  timestamptz NOT NULL
      )`);
    // The audit trail filters (issue 4): actor and time range within an election.
    await q.query(
      `CREATE INDEX rm_audit_entries_actor ON rm_audit_entries (election_id, ((actor->>'id')), position)`,
    );
    await q.query(`CREATE INDEX rm_audit_entries_time ON rm_audit_entries (election_id, recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS rm_audit_entries_time');
    await q.query('DROP INDEX IF EXISTS rm_audit_entries_actor');
    await q.query('DROP TABLE rm_audit_digests');
  }
}
