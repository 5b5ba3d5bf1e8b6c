import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { TIMELINE_BUCKET_MS } from '@tally/read-models';
import { runSimulation } from '../../apps/cli/src/simulate/simulator';
import { startTestApi, TestApi } from '../support/api';
import { runCli } from '../support/cli';

/**
 * Issue 9: a simulated day against the real api over HTTP, its projections following live in small batches, then
 * `verify-read-models` replays the log in batches of 1,000 and finds every read model equal. The day is compressed
 * (reporting times 17:00, 18:00, 19:00; about 30 s at ×900), so its events are recorded over several 10 s buckets:
 * a read model that depended on batch boundaries (the live timeline did) shows up as DIFFERENT.
 */
const ELECTION = 'e2e-day';
const SPEED = 900;

/** Four districts of 150 polling areas; an NA contest (two units spanning two districts) and a city council. */
function dayElection() {
  const districts = ['d1', 'd2', 'd3', 'd4'];
  const candidates = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      candidateId: `${prefix}-${i + 1}`,
      name: `Ứng cử viên ${prefix} ${i + 1}`,
      birthDate: `19${60 + i}-01-0${i + 1}`,
    }));
  return {
    electionId: ELECTION,
    name: 'Ngày bầu cử mô phỏng',
    pollingDate: '2021-05-23',
    turnoutReportingTimes: ['17:00', '18:00', '19:00'],
    districts: districts.map((d) => ({ districtId: d, name: `Quận ${d}` })),
    pollingAreas: districts.flatMap((d) =>
      Array.from({ length: 150 }, (_, i) => ({
        pollingAreaId: `${d}-${String(i + 1).padStart(4, '0')}`,
        districtId: d,
        registeredVoters: 900 + ((i * 37) % 300),
      })),
    ),
    contests: [
      {
        contestId: 'na',
        name: 'Quốc hội',
        electoralUnits: [
          {
            unitId: 'na-01',
            name: 'Đơn vị số 1',
            seats: 2,
            districtIds: ['d1', 'd2'],
            candidates: candidates('na-01', 3),
          },
          {
            unitId: 'na-02',
            name: 'Đơn vị số 2',
            seats: 2,
            districtIds: ['d3', 'd4'],
            candidates: candidates('na-02', 3),
          },
        ],
      },
      {
        contestId: 'hdnd-tp',
        name: 'HĐND thành phố',
        electoralUnits: districts.map((d, k) => ({
          unitId: `tp-0${k + 1}`,
          name: `Đơn vị số ${k + 1}`,
          seats: 1,
          districtIds: [d],
          candidates: candidates(`tp-0${k + 1}`, 2),
        })),
      },
    ],
  };
}

let api: TestApi;
let base: string;

jest.setTimeout(300_000);

beforeAll(async () => {
  api = await startTestApi();
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  expect((await api.call('POST', '/elections', dayElection())).status).toBe(201);
});
afterAll(() => api?.close());

it('after a simulated day over several 10 s buckets, verify-read-models finds every read model equal to a replay', async () => {
  const result = await runSimulation({
    api: base,
    electionId: ELECTION,
    speed: SPEED,
    seed: 'e2e-day',
    concurrency: 8,
    progressMs: 0,
    log: () => undefined,
    tokenFor: (districtId) =>
      districtId === undefined
        ? api.tokenFor({ role: 'admin', sub: 'sim-city-admin' })
        : api.tokenFor({ role: 'submitter', sub: `sim-${districtId}`, districts: [districtId] }),
  });
  expect(result.refused).toBe(0);
  const events = result.sent.turnout + result.sent.sheet + result.sent.correction;
  expect(events).toBeGreaterThan(2_500);

  const db = new Client({ connectionString: api.db.url });
  await db.connect();
  try {
    const [{ buckets, head }] = (
      await db.query(
        `SELECT count(DISTINCT floor(extract(epoch FROM recorded_at) * 1000 / $1))::int AS buckets,
                max(position)::int AS head
         FROM es_events WHERE stream_id LIKE ANY (ARRAY['election-%', 'tally-%', 'turnout-%'])`,
        [TIMELINE_BUCKET_MS],
      )
    ).rows;
    expect(buckets).toBeGreaterThanOrEqual(3);
    // The live projections have followed the whole day before the replay starts.
    const latest = await api.call('GET', `/elections/${ELECTION}/results/city?minPosition=${head}`);
    expect(latest.status).toBe(200);
    // One live timeline point per bucket that holds an event of the election (all of them here).
    const points = (
      await db.query('SELECT count(*)::int AS n FROM rm_live_timeline WHERE election_id = $1', [ELECTION])
    ).rows[0].n;
    expect(points).toBe(buckets);
  } finally {
    await db.end();
  }

  const verify = runCli(api.db.url, 'verify-read-models');
  expect(verify.stderr + verify.stdout).toContain('The read models equal a replay of the log');
  expect(verify.stderr + verify.stdout).not.toContain('DIFFERENT');
  expect(verify.status).toBe(0);
});
