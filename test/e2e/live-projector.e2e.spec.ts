import type { AddressInfo } from 'node:net';
import {
  closeStores,
  createProjectionRunner,
  loadConfig,
  openEventStore,
  openReadModels,
} from '@tally/platform';
import type { EventStore } from '@tally/event-store';
import type { ProjectionRunner } from '@tally/read-models';
import type { DataSource } from 'typeorm';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';
import { replay, touchedDistricts } from '../support/live-view';
import { SseClient } from '../support/sse-client';

// The live stream of an api that runs no projections: a separate runner (as apps/projector would) keeps the read
// models, and the stream follows its checkpoints.
let api: TestApi;
let projector: { runner: ProjectionRunner; store: EventStore; ds: DataSource };
let client: SseClient | undefined;

beforeAll(async () => {
  api = await startTestApi({ PROJECTIONS: 'off', LIVE_POLL_MS: '20' });
  await api.app.listen(0, '127.0.0.1');
  const config = loadConfig({ DATABASE_URL: api.db.url, LOG_LEVEL: 'error' });
  const store = await openEventStore(config, api.db.url);
  const ds = await openReadModels(api.db.url);
  const runner = createProjectionRunner(ds, store);
  await runner.start();
  projector = { runner, store, ds };
});
afterAll(async () => {
  client?.close();
  await closeStores(projector.runner, projector.store, projector.ds);
  await api.close();
});

it('with PROJECTIONS=off the live stream follows the projector: snapshot, then the update of a new sheet', async () => {
  const election = smallElection();
  const e = `/elections/${election.electionId}`;
  expect((await api.call('POST', '/elections', election)).status).toBe(201);
  const base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  client = await SseClient.connect(`${base}${e}/live`);
  expect(client.status).toBe(200);
  await client.waitFor((m) => m.event === 'snapshot');
  const res = await api.call(
    'POST',
    `${e}/tallies`,
    naSheet({
      pollingAreaId: 'tay-ho-0001',
      registeredVoters: 1000,
      votersVoted: 900,
      ballotsIssued: 900,
      ballotsReceived: 900,
      validBallots: 890,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 500, 'na-01-2': 400, 'na-01-3': 300 },
    }),
  );
  expect(res.status).toBe(201);
  const update = await client.waitFor((m) => m.event === 'update' && Number(m.id) >= res.body.position);
  expect(touchedDistricts(update.data)).toEqual(['tay-ho']);
  const tayHo = replay(client.messages).districts.find((d) => d.districtId === 'tay-ho')!;
  expect(tayHo.contests.find((c: { contestId: string }) => c.contestId === 'na')).toMatchObject({
    pollingAreasReported: 1,
    votersVoted: 900,
  });
});
