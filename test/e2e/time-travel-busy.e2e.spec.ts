import type { EventStore, ReadAllOptions } from '@tally/event-store';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

// Cold time-travel folds are bounded per api process: TIME_TRAVEL_FOLDS_AT_ONCE run, TIME_TRAVEL_FOLDS_WAITING wait,
// the rest are 503 TIME_TRAVEL.BUSY. The real store, with its time-travel reads (the ones that ask for metadata keys)
// held until the test lets them go: that is what keeps a fold running long enough to see the gate.
const METRICS_TOKEN = 'metrics-token-time-travel-busy-0123';
let api: TestApi;
let electionId: string;
const positions: number[] = [];
let held = false;
const releases: Array<() => void> = [];
let reads = 0;

function holdTimeTravelReads(store: EventStore): EventStore {
  const readAll = store.readAll.bind(store);
  store.readAll = async (options?: ReadAllOptions) => {
    if (options?.metadataKeys) {
      reads += 1;
      if (held) await new Promise<void>((resolve) => releases.push(resolve));
    }
    return readAll(options);
  };
  return store;
}

const settle = async (until: () => boolean) => {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((r) => setTimeout(r, 10));
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
  api = await startTestApi(
    {
      TIME_TRAVEL_FOLDS_AT_ONCE: '1',
      TIME_TRAVEL_FOLDS_WAITING: '1',
      TIME_TRAVEL_FOLDS_KEPT: '0',
      METRICS_TOKEN,
    },
    { decorateEventStore: holdTimeTravelReads },
  );
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
  held = false;
  releases.forEach((release) => release());
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

    held = true;
    reads = 0;
    const running = api.call('GET', city(a));
    await settle(() => reads === 1);
    const waiting = api.call('GET', city(b));
    const sharing = api.call('GET', city(a));
    await settle(() => false);
    expect(reads).toBe(1);
    expect(await gauges()).toEqual({ running: 1, waiting: 1, refused: 0 });

    const refused = await api.call('GET', city(c));
    expect(refused.status).toBe(503);
    expect(String(refused.headers['content-type'])).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 503, code: 'TIME_TRAVEL.BUSY' });
    expect(refused.headers['retry-after']).toBe('5');
    expect(await gauges()).toEqual({ running: 1, waiting: 1, refused: 1 });
    // The live results do not wait behind time travel.
    expect((await api.call('GET', `/elections/${electionId}/results/city`)).status).toBe(200);

    held = false;
    releases.splice(0).forEach((release) => release());
    const answers = await Promise.all([running, waiting, sharing]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.body)).toEqual([expected.get(a), expected.get(b), expected.get(a)]);
    // Two folds read the store: the repeated position shared the first one.
    expect(reads).toBe(2);
    expect(await gauges()).toEqual({ running: 0, waiting: 0, refused: 1 });
    // Asked again once the gate is free: answered.
    expect((await api.call('GET', city(c))).body).toEqual(expected.get(c));
  });
});
