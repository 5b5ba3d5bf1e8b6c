import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProjections } from '@tally/platform';
import { freePort, http, startApiProcess, startProjectorProcess } from '../support/api-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

/** These specs run the api as a real process and kill it, as an operator's machine would. */
describe('crash recovery', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('crash');
  });
  afterAll(() => db.drop());

  it('a process killed between "201" and the projections catching up loses nothing: on restart they catch up', async () => {
    // Projections off: every 201 below is answered while the read models are still empty.
    const first = await startApiProcess({ DATABASE_URL: db.url, PROJECTIONS: 'off' });
    const election = smallElection();
    expect((await http('POST', `${first.url}/elections`, election)).status).toBe(201);
    const sheets = [naSheet({ pollingAreaId: 'ba-dinh-0001' }), secondBaDinhNaSheet()];
    let last = -1;
    for (const sheet of sheets) {
      const res = await http('POST', `${first.url}/elections/${election.electionId}/tallies`, sheet);
      expect(res.status).toBe(201);
      last = res.body.position;
    }
    expect((await http('GET', `${first.url}/elections/${election.electionId}/results/city`)).status).toBe(
      404,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await startApiProcess({ DATABASE_URL: db.url, PROJECTIONS: 'inline' });
    try {
      const res = await http(
        'GET',
        `${second.url}/elections/${election.electionId}/results/districts/ba-dinh?minPosition=${last}`,
      );
      expect(res.status).toBe(200);
      const na = res.body.contests.find((c: { contestId: string }) => c.contestId === 'na');
      expect(na).toMatchObject({
        pollingAreasReported: 2,
        votersVoted: 1238 + 880,
        validBallots: 1220 + 870,
      });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});

describe('the projector as its own process', () => {
  it('keeps the read models of an api that runs no projections (PROJECTIONS=off)', async () => {
    const db = await createTestDatabase('projector');
    const api = await startApiProcess({ DATABASE_URL: db.url, PROJECTIONS: 'off' });
    const projector = await startProjectorProcess({ DATABASE_URL: db.url });
    try {
      const election = smallElection();
      expect((await http('POST', `${api.url}/elections`, election)).status).toBe(201);
      const submitted = await http('POST', `${api.url}/elections/${election.electionId}/tallies`, naSheet());
      expect(submitted.status).toBe(201);
      const res = await http(
        'GET',
        `${api.url}/elections/${election.electionId}/results/city?minPosition=${submitted.body.position}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.contests.find((c: { contestId: string }) => c.contestId === 'na')).toMatchObject({
        pollingAreasReported: 1,
        validBallots: 1220,
      });
      const health = await http('GET', `${api.url}/health`);
      expect(health.body.projections.map((p: { lag: number }) => p.lag)).toEqual(
        allProjections().map(() => 0),
      );
    } finally {
      projector.child.kill('SIGTERM');
      api.child.kill('SIGTERM');
      expect(await projector.exited).toBe(0);
      await api.exited;
      await db.drop();
    }
  });
});

describe('the embedded default (no DATABASE_URL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-embedded-'));
  // Run as root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'postgres');
  afterAll(() => {
    // A SIGKILLed api leaves its PostgreSQL running; stop it so nothing outlives the test run.
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 2000).unref();
  });

  it('starts its own PostgreSQL, keeps the data across restarts, and survives being killed', async () => {
    const env = { EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    delete process.env.DATABASE_URL;
    const first = await startApiProcess(env, 120_000);
    const health = await http('GET', `${first.url}/health`);
    expect(health.body).toMatchObject({ status: 'up', eventStore: { adapter: 'postgres' } });
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const election = smallElection();
    expect((await http('POST', `${first.url}/elections`, election)).status).toBe(201);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startApiProcess(env, 120_000);
    try {
      const res = await http('GET', `${second.url}/elections/${election.electionId}`);
      expect(res.status).toBe(200);
      expect(res.body.pollingAreas).toHaveLength(4);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    // two process starts, one of them with initdb: minutes on a loaded 2-core machine
  }, 240_000);
});
