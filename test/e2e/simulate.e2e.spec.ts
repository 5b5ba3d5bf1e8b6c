import type { AddressInfo } from 'node:net';
import { EventStore } from '@tally/event-store';
import { runSimulation } from '../../apps/cli/src/simulate/simulator';
import { startTestApi, TestApi } from '../support/api';
import { smallElection } from '../support/fixtures';

/**
 * The simulator against the real api over HTTP, with the api's real rate limit: every district reports with its own
 * submitter token (so 30 districts are not throttled as one client), corrections come from the city admin, and every
 * stored event names the official who sent it.
 */
const LIMIT_PER_MINUTE = 40;
let api: TestApi;
let base: string;

beforeAll(async () => {
  api = await startTestApi({ RATE_LIMIT_PER_MINUTE: String(LIMIT_PER_MINUTE) });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(() => api?.close());

it('replays the start of a polling day with one token per district, none throttled, each event naming its sender', async () => {
  const issued: string[] = [];
  const result = await runSimulation({
    api: base,
    electionId: 'hn-sim',
    speed: 1e9, // every action is due at once
    seed: 'spec',
    concurrency: 8,
    limit: 150, // more requests than one token may send in a minute
    progressMs: 0,
    log: () => undefined,
    tokenFor: (districtId) => {
      issued.push(districtId ?? 'city');
      return districtId === undefined
        ? api.tokenFor({ role: 'admin', sub: 'sim-city-admin' })
        : api.tokenFor({ role: 'submitter', sub: `sim-${districtId}`, districts: [districtId] });
    },
  });
  expect(result.refused).toBe(0);
  expect(result.retries).toBe(0);
  expect(result.sent.turnout + result.sent.sheet + result.sent.correction).toBe(150);
  expect(new Set(issued).size).toBeGreaterThan(150 / LIMIT_PER_MINUTE);

  const events = await api.app
    .get(EventStore)
    .readAll({ maxCount: 1000, streamPrefixes: ['turnout-hn-sim.'] });
  expect(events).toHaveLength(result.sent.turnout);
  const definition = (await api.call('GET', '/elections/hn-sim')).body as {
    pollingAreas: Array<{ pollingAreaId: string; districtId: string }>;
  };
  const districtOf = new Map(definition.pollingAreas.map((a) => [a.pollingAreaId, a.districtId]));
  for (const event of events) {
    const actor = event.metadata.actor as { id: string; role: string; districts: string[] };
    const district = districtOf.get(event.data.pollingAreaId as string)!;
    expect(actor).toEqual({ id: `sim-${district}`, role: 'submitter', districts: [district] });
  }
});

it('progress shows the simulated clock advancing while it waits, and what it waits for (the next action and its time)', async () => {
  // A small election: four polling areas report turnout at 12:30, then nothing is due before 18:30.
  const election = smallElection();
  expect((await api.call('POST', '/elections', election)).status).toBe(201);
  const lines: string[] = [];
  const result = await runSimulation({
    api: base,
    electionId: election.electionId,
    speed: 3600, // an hour a second: the afternoon gap lasts about six seconds
    seed: 'progress',
    kinds: ['turnout'],
    limit: 5, // the four 12:30 reports and the first one of 18:30
    progressMs: 250,
    log: (line) => lines.push(line),
    token: await api.tokenFor({ role: 'admin', sub: 'sim-city-admin' }),
  });
  expect(result.sent.turnout).toBe(5);
  const waiting = lines.filter((line) => /next turnout at 18:\d\d, in /.test(line));
  expect(waiting.length).toBeGreaterThanOrEqual(3);
  const clocks = waiting.map((line) => line.trim().slice(0, 5));
  // Each line a later simulated minute: the clock moves on although nothing is sent (not the last sent event's 12:4x).
  expect(clocks.every((clock, i) => i === 0 || clock > clocks[i - 1])).toBe(true);
  expect(clocks.at(-1)! > '13:00').toBe(true);
  expect(waiting.at(-1)).toMatch(/turnout 4\/5 {2}sheets 0\/0 {2}corrections 0\/0/);
});

it('--double-entry: two officials per district enter every sheet, discrepancies are resolved, held sheets released', async () => {
  // An api of its own without the low rate limit above: this is about the workflow, not throttling.
  const own = await startTestApi();
  await own.app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await doubleEntryDay(own, `http://127.0.0.1:${(own.app.getHttpServer().address() as AddressInfo).port}`);
  } finally {
    await own.close();
  }
}, 180_000);

async function doubleEntryDay(api: TestApi, base: string) {
  const result = await runSimulation({
    api: base,
    electionId: 'hn-sim-double',
    speed: 1e9,
    seed: 'double',
    concurrency: 8,
    doubleEntry: true,
    kinds: ['sheet', 'second-entry', 'resolution', 'review'],
    // The first 40 polling areas: every step of the plan, the six discrepancies and the sheets of the three suspicious areas (two contests each) among them.
    pollingAreas: 40,
    progressMs: 0,
    log: () => undefined,
    tokenFor: (districtId, as = 'submitter') =>
      districtId === undefined
        ? api.tokenFor({ role: 'admin', sub: 'sim-city-admin' })
        : api.tokenFor({
            role: as === 'admin' ? 'admin' : 'submitter',
            sub: `sim-${districtId}-${as}`,
            districts: [districtId],
          }),
  });
  expect(result.refused).toBe(0);
  expect(result.sent['second-entry']).toBeGreaterThan(0);
  const events = await api.app
    .get(EventStore)
    .readAll({ maxCount: 10_000, streamPrefixes: ['tally-hn-sim-double.'] });
  const types = new Set(events.map((e) => e.type));
  expect(types).toContain('TallySecondEntryRecorded');
  // Every second entry comes from another official than its first.
  const firstBy = new Map<string, string>();
  for (const event of events) {
    const actor = (event.metadata.actor as { id: string }).id;
    if (event.type === 'TallySubmitted') firstBy.set(event.streamId, actor);
    if (event.type === 'TallySecondEntryRecorded') expect(actor).not.toBe(firstBy.get(event.streamId));
  }
  expect({ resolution: result.sent.resolution, review: result.sent.review }).toEqual({
    resolution: 6,
    review: 6,
  });
  const count = (type: string) => events.filter((e) => e.type === type).length;
  expect({ resolved: count('TallyDiscrepancyResolved'), reviewed: count('TallyReviewed') }).toEqual({
    resolved: 6,
    reviewed: 6,
  });
  // Nothing is left waiting: every sheet planned counts.
  const review = await api.call(
    'GET',
    `/elections/hn-sim-double/review?minPosition=${events.at(-1)!.position}`,
  );
  expect(review.body.sheets).toEqual([]);
}
