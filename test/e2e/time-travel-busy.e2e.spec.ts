import { Client } from 'pg';
import { TIME_TRAVEL_APPLICATION_NAME } from '../../apps/api/src/results/time-travel';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

// Cold time-travel folds are bounded per api process: TIME_TRAVEL_FOLDS_AT_ONCE run, TIME_TRAVEL_FOLDS_WAITING wait,
// the rest are 503 TIME_TRAVEL.BUSY. The folds run in the api's time-travel worker thread (the default), on the real
// store; a transaction holding the events table locked keeps a fold running (its read waits) long enough to see the
// gate, and PostgreSQL itself says how many time-travel reads wait.
const METRICS_TOKEN = 'metrics-token-time-travel-busy-0123';
let api: TestApi;
let electionId: string;
const positions: number[] = [];
let lock: Client | undefined;

async function holdTheEventsTable(): Promise<void> {
  lock = new Client({ connectionString: api.db.url });
  await lock.connect();
  await lock.query('BEGIN');
  await lock.query('LOCK TABLE es_events IN ACCESS EXCLUSIVE MODE');
}

async function releaseTheEventsTable(): Promise<void> {
  await lock?.query('COMMIT');
  await lock?.end();
  lock = undefined;
}

/** Time-travel reads (the worker's connections) waiting for the lock, as pg_stat_activity shows them. */
async function waitingTimeTravelReads(): Promise<number> {
  // Inside the lock's transaction the activity view is read once and kept: clear it to see it as it is now.
  await lock!.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await lock!.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = $1 AND wait_event_type = 'Lock' AND datname = current_database()`,
    [TIME_TRAVEL_APPLICATION_NAME],
  );
  return rows[0].n;
}

/** Polls until `until` holds, at most ~15 s (the assertions after it say what was expected if it never does). */
const settle = async (until: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 1500 && !(await until()); i++) await new Promise((r) => setTimeout(r, 10));
};

async function gauges(): Promise<Record<string, number>> {
  const res = await api.call('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.body)?.[1]);
  return {
    running: value('tally_time_travel_folds_running'),
    waiting: value('tally_time_travel_folds_waiting'),
    refused: value('tally_time_travel_refused_total'),
  };
}

beforeAll(async () => {
  // Nothing kept: every request for a position is a fold, unless it shares one under way.
  api = await startTestApi({
    TIME_TRAVEL_FOLDS_AT_ONCE: '1',
    TIME_TRAVEL_FOLDS_WAITING: '1',
    TIME_TRAVEL_FOLDS_KEPT: '0',
    METRICS_TOKEN,
  });
  electionId = smallElection().electionId;
  const defined = await api.call('POST', '/elections', smallElection(electionId));
  expect(defined.status).toBe(201);
  positions.push(defined.body.position);
  for (const sheet of [naSheet(), secondBaDinhNaSheet()]) {
    const res = await api.call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
    positions.push(res.body.position);
  }
});
afterAll(async () => {
  await releaseTheEventsTable();
  await api.close();
});

describe('time travel under load', () => {
  it('runs one fold at a time, queues one, refuses the next with 503 TIME_TRAVEL.BUSY, shares a repeated position', async () => {
    const city = (p: number) => `/elections/${electionId}/results/city?atPosition=${p}`;
    // What each position answers with no load at all.
    const expected = new Map<number, unknown>();
    for (const p of positions) {
      const res = await api.call('GET', city(p));
      expect([p, res.status]).toEqual([p, 200]);
      expected.set(p, res.body);
    }
    const [a, b, c] = positions;

    await holdTheEventsTable();
    const running = api.call('GET', city(a));
    await settle(async () => (await waitingTimeTravelReads()) === 1);
    const waiting = api.call('GET', city(b));
    const sharing = api.call('GET', city(a));
    await settle(async () => {
      const { running: r, waiting: w } = await gauges();
      return r === 1 && w === 1;
    });
    // The sharing request was sent with the waiting one; give it the same moment to join the running fold.
    await new Promise((r) => setTimeout(r, 200));
    // One fold reads (and waits); the other two requests are in the gate, one waiting, one sharing the first.
    expect(await waitingTimeTravelReads()).toBe(1);
    expect(await gauges()).toEqual({ running: 1, waiting: 1, refused: 0 });

    const refused = await api.call('GET', city(c));
    expect(refused.status).toBe(503);
    expect(String(refused.headers['content-type'])).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 503, code: 'TIME_TRAVEL.BUSY' });
    expect(refused.headers['retry-after']).toBe('5');
    expect(await gauges()).toEqual({ running: 1, waiting: 1, refused: 1 });
    // The live results do not wait behind time travel.
    expect((await api.call('GET', `/elections/${electionId}/results/city`)).status).toBe(200);

    await releaseTheEventsTable();
    const answers = await Promise.all([running, waiting, sharing]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.body)).toEqual([expected.get(a), expected.get(b), expected.get(a)]);
    expect(await gauges()).toEqual({ running: 0, waiting: 0, refused: 1 });
    // Asked again once the gate is free: answered.
    expect((await api.call('GET', city(c))).body).toEqual(expected.get(c));
  });
});
