import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startTestApi, TestApi } from '../support/api';
import { freePort } from '../support/api-process';
import { naSheet, scanFiles, smallElection } from '../support/fixtures';

// GET /metrics (Prometheus text format): behind METRICS_TOKEN on the api's port, or on METRICS_PORT.
const TOKEN = 'metrics-token-0123456789abcdef';
let api: TestApi;
let metricsPort: number;
const election = smallElection();
const e = `/elections/${election.electionId}`;

/** `name{a="x",b="y"} value` lines → value of the series whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function scrape(): Promise<string> {
  const res = await api.call('GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toContain('text/plain');
  return res.body as string;
}

beforeAll(async () => {
  metricsPort = await freePort();
  api = await startTestApi({ METRICS_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) });
  await api.app.listen(0, '127.0.0.1');
  expect((await api.call('POST', '/elections', election)).status).toBe(201);
});
afterAll(() => api.close());

describe('GET /metrics', () => {
  it('needs the metrics token on the api port: 401 problem+json without it or with a JWT', async () => {
    const none = await api.call('GET', '/metrics', undefined, { authorization: '' });
    expect([none.status, none.body.code]).toEqual([401, 'AUTH.TOKEN_MISSING']);
    const jwt = await api.call('GET', '/metrics');
    expect([jwt.status, jwt.body.code]).toEqual([401, 'AUTH.TOKEN_INVALID']);
    expect(String(jwt.headers['content-type'])).toContain('application/problem+json');
  });

  it('shows the append counters at 0 before the first sheet (Prometheus sees the first one as an increase)', async () => {
    const other = await startTestApi({ METRICS_TOKEN: TOKEN });
    try {
      const res = await other.call('GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN}` });
      for (const category of ['tally', 'turnout']) {
        for (const outcome of ['stored', 'replayed', 'conflict', 'condition_failed', 'refused']) {
          expect([
            category,
            outcome,
            sample(res.body as string, 'tally_event_store_appends_total', { category, outcome }),
          ]).toEqual([category, outcome, 0]);
        }
      }
    } finally {
      await other.close();
    }
  });

  it('counts requests, appends by outcome, projections, live streams and the process; the counters move', async () => {
    const before = await scrape();
    const sheet = naSheet({ pollingAreaId: 'ba-dinh-0001' });
    const first = await api.call('POST', `${e}/tallies`, sheet);
    expect(first.status).toBe(201);
    expect((await api.call('POST', `${e}/tallies`, sheet)).status).toBe(201); // a retry: replayed
    // the same submission id for another polling area: the store refuses the event id
    const reused = await api.call('POST', `${e}/tallies`, {
      ...naSheet({ pollingAreaId: 'ba-dinh-0002' }),
      submissionId: sheet.submissionId,
      registeredVoters: 900,
      votersVoted: 800,
      ballotsIssued: 800,
      ballotsReceived: 800,
      validBallots: 790,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 400, 'na-01-2': 300, 'na-01-3': 200 },
    });
    expect(reused.status).toBe(409);
    // a scan of the sheet and its retry (the same bytes)
    const scanUrl = `${e}/tallies/ba-dinh-0001/na/scan`;
    const jpeg = scanFiles.jpeg();
    expect((await api.call('PUT', scanUrl, jpeg, { 'content-type': 'image/jpeg' })).status).toBe(201);
    expect((await api.call('PUT', scanUrl, jpeg, { 'content-type': 'image/jpeg' })).status).toBe(200);
    // an amendment and its retry: the retry is answered with it, counted as replayed
    const amendment = {
      reason: 'Đổi tên cuộc bầu cử theo nghị quyết',
      changes: [{ type: 'rename', target: 'election', name: 'Bầu cử (đổi tên)' }],
    };
    const amended = await api.call('POST', `${e}/amendments`, amendment, { 'if-match': '"0"' });
    expect(amended.status).toBe(201);
    const retried = await api.call('POST', `${e}/amendments`, amendment, { 'if-match': '"0"' });
    expect([retried.status, retried.body.replayed]).toEqual([201, true]);
    await api.call('GET', `${e}/results/city?minPosition=${first.body.position}`);
    const after = await scrape();

    const posts = { route: '/elections/:electionId/tallies', method: 'POST', status: '201' };
    expect(
      (sample(after, 'tally_http_requests_total', posts) ?? 0) -
        (sample(before, 'tally_http_requests_total', posts) ?? 0),
    ).toBe(2);
    expect(
      sample(after, 'tally_http_request_duration_seconds_count', { route: posts.route, method: 'POST' }),
    ).toBeGreaterThanOrEqual(3);
    expect(sample(after, 'tally_event_store_appends_total', { category: 'tally', outcome: 'stored' })).toBe(
      2,
    );
    expect(sample(after, 'tally_event_store_appends_total', { category: 'tally', outcome: 'replayed' })).toBe(
      2,
    );
    expect(sample(after, 'tally_event_store_appends_total', { category: 'tally', outcome: 'refused' })).toBe(
      1,
    );
    expect(
      sample(after, 'tally_event_store_appends_total', { category: 'election', outcome: 'stored' }),
    ).toBe(2);
    expect(
      sample(after, 'tally_event_store_appends_total', { category: 'election', outcome: 'replayed' }),
    ).toBe(1);
    expect(sample(after, 'tally_projection_position', { projection: 'results' })).toBeGreaterThanOrEqual(
      first.body.position,
    );
    expect(sample(after, 'tally_projection_lag_events', { projection: 'results' })).toBeGreaterThanOrEqual(0);
    expect(sample(after, 'tally_projection_state', { projection: 'results', state: 'active' })).toBe(1);
    expect(
      sample(after, 'tally_projection_events_applied_total', { projection: 'results' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'tally_event_store_group_commit_batch_size_count')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'tally_db_pool_connections', { pool: 'read-models' })).toBeGreaterThan(0);
    expect(sample(after, 'tally_db_pool_connections', { pool: 'event-store' })).toBeGreaterThan(0);
    expect(sample(after, 'tally_live_streams_open')).toBe(0);
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('exports every tally_ metric the Grafana dashboard and the alert rules under deploy/ use', async () => {
    const text = await scrape();
    const root = join(__dirname, '../..');
    const used = new Set(
      [
        readFileSync(join(root, 'deploy/grafana/tally-ledger.dashboard.json'), 'utf8'),
        readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8'),
      ].flatMap((source) =>
        [...source.matchAll(/\b(tally_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]),
      ),
    );
    expect(used.size).toBeGreaterThan(8);
    const missing = [...used].filter((name) => !text.includes(`# HELP ${name} `));
    expect(missing).toEqual([]);
  });

  it('is served on METRICS_PORT without a token, and nothing else there', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(
      sample(await res.text(), 'tally_event_store_appends_total', {
        category: 'election',
        outcome: 'stored',
      }),
    ).toBe(2); // the definition and the amendment of the case above: the same counters as on the api port
    expect((await fetch(`http://127.0.0.1:${metricsPort}/elections`)).status).toBe(404);
  });

  it('is not served on the api port without METRICS_TOKEN', async () => {
    const other = await startTestApi();
    try {
      const res = await other.call('GET', '/metrics', undefined, { authorization: '' });
      expect([res.status, res.body.code]).toEqual([404, 'ROUTE.NOT_FOUND']);
    } finally {
      await other.close();
    }
  });

  it('a submission id of its own for each sheet keeps the refused count at one', async () => {
    const sheet = { ...naSheet({ pollingAreaId: 'tay-ho-0001' }), submissionId: randomUUID() };
    expect(
      (
        await api.call('POST', `${e}/tallies`, {
          ...sheet,
          registeredVoters: 1000,
          votersVoted: 900,
          ballotsIssued: 900,
          ballotsReceived: 900,
          validBallots: 890,
          invalidBallots: 10,
          candidateVotes: { 'na-01-1': 500, 'na-01-2': 400, 'na-01-3': 300 },
        })
      ).status,
    ).toBe(201);
    const text = await scrape();
    // The sheet and its scan of the case above, and this sheet.
    expect(sample(text, 'tally_event_store_appends_total', { category: 'tally', outcome: 'stored' })).toBe(3);
    expect(sample(text, 'tally_event_store_appends_total', { category: 'tally', outcome: 'refused' })).toBe(
      1,
    );
  });
});
