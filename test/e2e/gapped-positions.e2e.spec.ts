import type { AddressInfo } from 'node:net';
import { GappedPositionsEventStore } from '../../libs/event-store/src/testing/gapped-positions-event-store';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';
import { SseClient } from '../support/sse-client';

// The api on PostgreSQL behind KurrentDB-like positions (gapped, p - 1 is nobody's position): everything that
// takes or hands out positions must treat them as opaque cursors, as on KurrentDB.
let api: TestApi;
let base: string;
let electionId: string;
const clients: SseClient[] = [];

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await api.call('POST', url, body, headers);
  expect([url, res.status, res.body.code]).toEqual([url, 201, undefined]);
  return res.body.position;
}

async function connect(headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.connect(`${base}/elections/${electionId}/live`, headers);
  clients.push(client);
  return client;
}

function correctionBody(validBallots: number, reason: string) {
  const body: Record<string, unknown> = {
    ...naSheet({ pollingAreaId: 'ba-dinh-0001' }),
    validBallots,
    invalidBallots: 1238 - validBallots,
    reason,
  };
  for (const key of ['submissionId', 'pollingAreaId', 'contestId']) delete body[key];
  return body;
}

let corrected: number;

beforeAll(async () => {
  api = await startTestApi(
    { LIVE_HEARTBEAT_MS: '100', LIVE_POLL_MS: '20' },
    { decorateEventStore: (store) => new GappedPositionsEventStore(store) },
  );
  await api.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  electionId = smallElection().electionId;
  const e = `/elections/${electionId}`;
  await post('/elections', smallElection(electionId));
  await post(`${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));
  corrected = await post(
    `${e}/tallies/ba-dinh-0001/na/corrections`,
    correctionBody(1215, 'Biên bản ghi nhầm số phiếu'),
    {
      'if-match': '"0"',
    },
  );
});

afterAll(async () => {
  for (const c of clients) c.close();
  await api?.close();
});

describe('the api with gapped positions', () => {
  it('hands out positions that are no counters', async () => {
    const head = await api.call('GET', `/elections/${electionId}/results/city?minPosition=${corrected}`);
    expect(head.status).toBe(200);
    expect(corrected).toBeGreaterThan(1_000_000);
  });

  it('sends a live snapshot with the corrections of the election', async () => {
    const live = await connect();
    expect(live.status).toBe(200);
    const snapshot = await live.waitFor((m) => m.event === 'snapshot');
    expect(snapshot.data.position).toBeGreaterThanOrEqual(corrected);
    expect(snapshot.data.corrections).toEqual([
      expect.objectContaining({
        position: corrected,
        reason: 'Biên bản ghi nhầm số phiếu',
        pollingAreaId: 'ba-dinh-0001',
      }),
    ]);
    expect(snapshot.data.correctionsByDistrict).toEqual({ 'ba-dinh': 1 });
  });

  it('resumes after a Last-Event-ID it sent, and refuses one that is no position of the log with 400', async () => {
    const first = await connect();
    const snapshot = await first.waitFor((m) => m.event === 'snapshot');
    first.close();
    const resumed = await connect({ 'last-event-id': String(snapshot.id) });
    expect(resumed.status).toBe(200);
    const later = await post(`/elections/${electionId}/tallies`, secondBaDinhNaSheet());
    const update = await resumed.waitFor((m) => m.event === 'update' && Number(m.id) >= later);
    expect(update.data.fromPosition).toBe(snapshot.data.position);

    // One below a real position is a number the log never handed out (on KurrentDB: not a record boundary).
    for (const foreign of [String(snapshot.data.position - 1), String(snapshot.data.position + 1)]) {
      const refused = await api.call('GET', `/elections/${electionId}/live`, undefined, {
        'last-event-id': foreign,
      });
      expect([foreign, refused.status, refused.body.code]).toEqual([
        foreign,
        400,
        'REQUEST.UNKNOWN_POSITION',
      ]);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    const byQuery = await api.call(
      'GET',
      `/elections/${electionId}/live?lastEventId=${snapshot.data.position - 1}`,
    );
    expect([byQuery.status, byQuery.body.code]).toEqual([400, 'REQUEST.UNKNOWN_POSITION']);
  });

  it('travels in time to a position and to an instant', async () => {
    const atCorrection = await api.call(
      'GET',
      `/elections/${electionId}/results/city?atPosition=${corrected}`,
    );
    expect(atCorrection.status).toBe(200);
    expect(atCorrection.body.position).toBe(corrected);
    const now = await api.call(
      'GET',
      `/elections/${electionId}/results/city?asOf=${new Date().toISOString()}`,
    );
    expect(now.status).toBe(200);
    expect(now.body.position).toBeGreaterThanOrEqual(corrected);
  });
});
