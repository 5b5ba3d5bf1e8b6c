import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { describeScanStoreContract } from '../testing/scan-store.contract';
import { PostgresScanStore } from './postgres-scan-store';

describeScanStoreContract('postgres', async () => {
  const db: TestDatabase = await createTestDatabase('scans');
  const store = new PostgresScanStore(db.url);
  return {
    store,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgresScanStore migrations', () => {
  it('two processes migrating at once both succeed, and the table exists once', async () => {
    const db = await createTestDatabase('scans');
    const a = new PostgresScanStore(db.url);
    const b = new PostgresScanStore(db.url);
    try {
      await Promise.all([a.init(), b.init()]);
      const { rows } = await a.pool.query('SELECT version FROM scan_schema_version');
      expect(rows.map((r) => r.version)).toEqual([1]);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
