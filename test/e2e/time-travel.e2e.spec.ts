import { EventStore } from '@tally/event-store';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;
let beforeElection: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function submit(sheet: object): Promise<number> {
  const res = await api.call('POST', `/elections/${electionId}/tallies`, sheet);
  expect(res.status).toBe(201);
  return res.body.position;
}

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  await sleep(15);
  beforeElection = new Date().toISOString();
  await sleep(15);
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
});
afterAll(() => api.close());

const paths = () => ['results/city', 'results/districts', 'results/districts/ba-dinh'];

describe('time travel', () => {
  it('answers exactly what the live read models answered at the same position, by position and by time', async () => {
    await submit(naSheet());
    const p = await submit(secondBaDinhNaSheet());
    const live: Record<string, unknown> = {};
    for (const path of paths()) {
      const res = await api.call('GET', `/elections/${electionId}/${path}?minPosition=${p}`);
      expect([path, res.status, res.body.position]).toEqual([path, 200, p]);
      live[path] = res.body;
    }
    await sleep(15);
    const asOf = new Date().toISOString();
    await sleep(15);

    // More facts afterwards: a new sheet, a correction of an earlier one, the other contest.
    await submit(
      naSheet({
        pollingAreaId: 'tay-ho-0001',
        registeredVoters: 1000,
        votersVoted: 900,
        ballotsIssued: 900,
        ballotsReceived: 900,
        validBallots: 890,
        invalidBallots: 10,
        candidateVotes: { 'na-01-1': 100, 'na-01-2': 800, 'na-01-3': 500 },
      }),
    );
    const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = naSheet();
    const corrected = await api.call(
      'POST',
      `/elections/${electionId}/tallies/ba-dinh-0001/na/corrections`,
      { ...counts, validBallots: 1210, invalidBallots: 28, reason: 'Đếm lại phiếu không hợp lệ' },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const now = await api.call(
      'GET',
      `/elections/${electionId}/results/city?minPosition=${corrected.body.position}`,
    );
    expect(now.body).not.toEqual(live['results/city']);

    for (const path of paths()) {
      const byPosition = await api.call('GET', `/elections/${electionId}/${path}?atPosition=${p}`);
      expect([path, byPosition.status]).toEqual([path, 200]);
      expect(byPosition.body).toEqual(live[path]);
      const byTime = await api.call(
        'GET',
        `/elections/${electionId}/${path}?asOf=${encodeURIComponent(asOf)}`,
      );
      expect([path, byTime.status]).toEqual([path, 200]);
      expect(byTime.body).toEqual(live[path]);
    }
    // The head, folded in memory, equals the live read models too.
    const head = await api.call(
      'GET',
      `/elections/${electionId}/results/city?atPosition=${corrected.body.position}`,
    );
    expect(head.body).toEqual(now.body);
  });

  it("asOf an event's own recordedAt, as the audit trail shows it, includes that event", async () => {
    const position = await submit(naSheet({ pollingAreaId: 'tay-ho-0002' }));
    // The recordedAt the audit trail and the history show: the event's, in milliseconds.
    const recordedAt = (await api.app.get(EventStore).readAt(position))!.recordedAt.toISOString();
    const byTime = await api.call(
      'GET',
      `/elections/${electionId}/results/city?asOf=${encodeURIComponent(recordedAt)}`,
    );
    expect([byTime.status, byTime.body.position]).toEqual([200, position]);
  });

  it('404 before the election existed, 404 for an unknown election or district', async () => {
    for (const query of [`asOf=${encodeURIComponent(beforeElection)}`, 'atPosition=-1']) {
      const res = await api.call('GET', `/elections/${electionId}/results/city?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 404, 'RESULTS.NOT_FOUND']);
    }
    const unknown = await api.call('GET', '/elections/nope/results/city?atPosition=0');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ELECTION.NOT_FOUND']);
    const district = await api.call(
      'GET',
      `/elections/${electionId}/results/districts/hoan-kiem?atPosition=0`,
    );
    expect([district.status, district.body.code]).toEqual([404, 'RESULTS.NOT_FOUND']);
  });

  it('400 problem+json for invalid or ambiguous points', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const [query, code, field] of [
      ['asOf=yesterday', 'REQUEST.INVALID', 'asOf'],
      ['asOf=2021-05-23T20:00:00', 'REQUEST.INVALID', 'asOf'],
      [`asOf=${encodeURIComponent(future)}`, 'REQUEST.INVALID', 'asOf'],
      ['atPosition=1.5', 'REQUEST.INVALID', 'atPosition'],
      ['atPosition=0&asOf=2021-05-23T20:00:00Z', 'REQUEST.INVALID', 'atPosition'],
      ['atPosition=0&minPosition=0', 'REQUEST.INVALID', 'minPosition'],
      ['atPosition=999999', 'REQUEST.POSITION_BEYOND_LOG', 'atPosition'],
    ]) {
      const res = await api.call('GET', `/elections/${electionId}/results/city?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
