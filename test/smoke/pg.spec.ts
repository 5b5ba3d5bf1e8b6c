import { Client } from 'pg';
import { createTestDatabase } from '../support/database';

it('reaches the embedded PostgreSQL', async () => {
  const db = await createTestDatabase();
  const c = new Client({ connectionString: db.url });
  await c.connect();
  const r = await c.query('select version()');
  await c.end();
  await db.drop();
  expect(r.rows[0].version).toMatch(/PostgreSQL/);
});
