import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { freePort, http, startApiProcess, startProjectorProcess } from '../support/api-process';
import { naSheet, smallElection } from '../support/fixtures';

// The projector serves its own metrics on METRICS_PORT: its projections' positions and the batches it applied.
let db: TestDatabase;
const processes: Array<{ child: ChildProcess; exited: Promise<unknown> }> = [];

beforeAll(async () => {
  db = await createTestDatabase('metrics');
});
afterAll(async () => {
  for (const p of processes) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exited));
  await db.drop();
});

it('GET /metrics of apps/projector shows its projections catching up with what the api appended', async () => {
  const env = { DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
  const api = await startApiProcess({ ...env, PROJECTIONS: 'off' });
  processes.push(api);
  const port = await freePort();
  const projector = await startProjectorProcess({ ...env, METRICS_PORT: String(port) });
  processes.push(projector);
  const election = smallElection();
  expect((await http('POST', `${api.url}/elections`, election)).status).toBe(201);
  const sheet = await http(
    'POST',
    `${api.url}/elections/${election.electionId}/tallies`,
    naSheet({ pollingAreaId: 'ba-dinh-0001' }),
  );
  expect(sheet.status).toBe(201);
  const caught = await http(
    'GET',
    `${api.url}/elections/${election.electionId}/results/city?minPosition=${sheet.body.position}`,
  );
  expect(caught.status).toBe(200);

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
  expect(value(/^tally_projection_position\{projection="results"\} (\S+)$/m)).toBeGreaterThanOrEqual(
    sheet.body.position,
  );
  expect(
    value(/^tally_projection_events_applied_total\{projection="results"\} (\S+)$/m),
  ).toBeGreaterThanOrEqual(2);
  expect(value(/^tally_projection_state\{projection="results",state="active"\} (\S+)$/m)).toBe(1);
  // the projector appends nothing: its store counters stay empty, and it serves no api
  expect(text).not.toMatch(/^tally_event_store_appends_total\{/m);
  expect(text).not.toMatch(/^tally_http_requests_total\{/m);
}, 120_000);
