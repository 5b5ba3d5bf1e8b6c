import { loadConfig } from '@tally/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';
import { PgServer, removeCluster, startPrimary, startReplica, waitForReplay } from '../support/pg-cluster';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens';

// DATABASE_READ_URL against a real streaming replica of the read-model database (a second PostgreSQL fed by WAL).
let primary: PgServer;
let replica: PgServer;
let app: NestFastifyApplication;
let admin: string;
const election = smallElection();
const e = `/elections/${election.electionId}`;
const DATABASE = 'tally_replica_spec';

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await app.inject({
    method,
    url,
    payload: payload as object,
    headers: { authorization: `Bearer ${admin}` },
  });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
}

async function onReplica(sql: string): Promise<void> {
  const client = new Client({ connectionString: replica.url(DATABASE) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const validBallots = (body: { contests: Array<{ contestId: string; validBallots: number }> }) =>
  body.contests.find((c) => c.contestId === 'na')!.validBallots;

beforeAll(async () => {
  primary = await startPrimary();
  const setup = new Client({ connectionString: primary.url('postgres') });
  await setup.connect();
  await setup.query(`CREATE DATABASE ${DATABASE}`);
  await setup.end();
  replica = await startReplica(primary);
  const config = loadConfig({
    LOG_LEVEL: 'error',
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LIMIT_PER_MINUTE: '1000000',
    READ_WAIT_TIMEOUT_MS: '10000',
    READ_REPLICA_WAIT_MS: '300',
    DATABASE_URL: primary.url(DATABASE),
    DATABASE_READ_URL: replica.url(DATABASE),
  });
  app = await createApiApp({ config, databaseUrl: primary.url(DATABASE) });
  await app.getHttpAdapter().getInstance().ready();
  admin = await tokenFor(config, { role: 'admin', sub: 'city-admin' });
  expect((await call('POST', '/elections', election)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await replica?.stop();
  await primary?.stop();
  if (primary) removeCluster(primary);
});

describe('DATABASE_READ_URL: the read-only queries go to a streaming replica', () => {
  it('?minPosition= is honoured on the replica once it has replayed the position', async () => {
    const sheet = await call('POST', `${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));
    expect(sheet.status).toBe(201);
    const city = await call('GET', `${e}/results/city?minPosition=${sheet.body.position}`);
    expect(city.status).toBe(200);
    expect(city.body.position).toBeGreaterThanOrEqual(sheet.body.position);
    expect(validBallots(city.body)).toBe(naSheet().validBallots);
  });

  it('reads the replica (stale while its replay is paused); ?minPosition= then falls back to the primary', async () => {
    await waitForReplay(primary, replica, DATABASE);
    const before = await call('GET', `${e}/results/city`);
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const sheet = await call('POST', `${e}/tallies`, secondBaDinhNaSheet());
      expect(sheet.status).toBe(201);
      // the primary's projections have it …
      const fresh = await call('GET', `${e}/results/city?minPosition=${sheet.body.position}`);
      expect(fresh.status).toBe(200);
      expect(fresh.body.position).toBeGreaterThanOrEqual(sheet.body.position);
      expect(validBallots(fresh.body)).toBeGreaterThan(validBallots(before.body));
      // … while a plain read comes from the paused replica: the figures before the sheet
      const stale = await call('GET', `${e}/results/city`);
      expect(stale.status).toBe(200);
      expect(stale.body.position).toBeLessThan(sheet.body.position);
      expect(validBallots(stale.body)).toBe(validBallots(before.body));
      const turnout = await call('GET', `${e}/turnout`);
      expect(turnout.body.position).toBeLessThan(sheet.body.position);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
    await waitForReplay(primary, replica, DATABASE);
    const caught = await call('GET', `${e}/results/city`);
    expect(validBallots(caught.body)).toBeGreaterThan(validBallots(before.body));
  });
});
