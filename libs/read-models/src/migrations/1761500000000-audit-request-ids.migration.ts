import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail shows which request (and correlation) recorded each event, next to the actor. */
export class AuditRequestIds1761500000000 implements MigrationInterface {
  name = 'AuditRequestIds1761500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_audit_entries ADD COLUMN request_id text, ADD COLUMN correlation_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_audit_entries DROP COLUMN request_id, DROP COLUMN correlation_id`);
  }
}
