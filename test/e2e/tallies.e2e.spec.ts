import { EventStore } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;

function call(method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return api.call(method, url, payload, headers);
}

async function eventCount(): Promise<number> {
  return (await api.app.get(EventStore).readAll({ maxCount: 100_000 })).length;
}

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  const defined = await call('POST', '/elections', smallElection(electionId));
  expect(defined.status).toBe(201);
});
afterAll(() => api.close());

describe('submitting tally sheets', () => {
  it('accepts a valid sheet: 201 with tallyId, revision, position, anomalies and an ETag, stored before answering', async () => {
    const sheet = naSheet({
      pollingAreaId: 'ba-dinh-0002',
      registeredVoters: 900,
      votersVoted: 850,
      ballotsIssued: 850,
      ballotsReceived: 850,
      validBallots: 840,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 700, 'na-01-2': 600, 'na-01-3': 300 },
    });
    const res = await call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      tallyId: `${electionId}.ba-dinh-0002.na`,
      revision: 0,
      status: 'submitted',
      anomalies: [],
    });
    expect(res.headers.etag).toBe('"0"');
    const stored = await api.app.get(EventStore).readStream(`tally-${electionId}.ba-dinh-0002.na`);
    expect(stored.map((e) => [e.type, e.position])).toEqual([['TallySubmitted', res.body.position]]);
    expect(stored[0].metadata).toMatchObject({
      actor: { id: 'city-admin', role: 'admin' },
      schemaVersion: 1,
    });
    expect(stored[0].metadata).toHaveProperty('requestId');
    expect(stored[0].metadata).toHaveProperty('correlationId');
    expect(stored[0].metadata).toHaveProperty('causationId');
  });

  it('answers a retry with the very bytes of the first answer (anomalies too), but for replayed', async () => {
    const other = smallElection();
    expect((await call('POST', '/elections', other)).status).toBe(201);
    const token = await api.tokenFor({ role: 'admin', sub: 'city-admin' });
    // 1,251 registered voters where the definition lists 1,250: an anomaly, stored with the sheet
    const sheet = naSheet({ registeredVoters: 1251 });
    const post = () =>
      api.app.inject({
        method: 'POST',
        url: `/elections/${other.electionId}/tallies`,
        payload: sheet,
        headers: { authorization: `Bearer ${token}` },
      });
    const first = await post();
    expect(first.statusCode).toBe(201);
    expect(first.json().anomalies).toHaveLength(1);
    const retry = await post();
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body.replace('"replayed":false', '"replayed":true'));
  });

  it('answers a retry with the original result and appends nothing; a changed body under the same id is 409', async () => {
    const sheet = naSheet({
      pollingAreaId: 'tay-ho-0001',
      registeredVoters: 1000,
      votersVoted: 990,
      ballotsIssued: 990,
      ballotsReceived: 990,
      validBallots: 980,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 500, 'na-01-2': 800, 'na-01-3': 100 },
    });
    const first = await call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(first.status).toBe(201);
    const before = await eventCount();
    const retry = await call('POST', `/elections/${electionId}/tallies`, {
      ...sheet,
      candidateVotes: { 'na-01-3': 100, 'na-01-2': 800, 'na-01-1': 500 },
    });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(retry.headers['idempotent-replayed']).toBe('true');

    const changed = await call('POST', `/elections/${electionId}/tallies`, {
      ...sheet,
      validBallots: 979,
      invalidBallots: 11,
    });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('TALLY.SUBMISSION_ID_REUSED');

    const second = await call('POST', `/elections/${electionId}/tallies`, {
      ...sheet,
      submissionId: randomUUID(),
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('TALLY.ALREADY_SUBMITTED');
    expect(await eventCount()).toBe(before);
  });

  it('refuses one submissionId used for two different polling areas', async () => {
    const submissionId = randomUUID();
    const a = naSheet({
      submissionId,
      pollingAreaId: 'tay-ho-0002',
      registeredVoters: 800,
      votersVoted: 700,
      ballotsIssued: 700,
      ballotsReceived: 700,
      validBallots: 690,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 300, 'na-01-2': 500, 'na-01-3': 200 },
    });
    expect((await call('POST', `/elections/${electionId}/tallies`, a)).status).toBe(201);
    const b = {
      ...naSheet({ submissionId, pollingAreaId: 'ba-dinh-0001', contestId: 'hdnd-tp' }),
      candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 500 },
    };
    const res = await call('POST', `/elections/${electionId}/tallies`, b);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('TALLY.SUBMISSION_ID_REUSED');
    expect((await call('GET', `/elections/${electionId}/tallies/ba-dinh-0001/hdnd-tp`)).status).toBe(404);
  });

  it.each([
    ['TALLY.VOTERS_VOTED_EXCEED_REGISTERED', { votersVoted: 1300 }],
    ['TALLY.BALLOTS_RECEIVED_EXCEED_ISSUED', { ballotsReceived: 1239 }],
    ['TALLY.BALLOTS_DO_NOT_ADD_UP', { invalidBallots: 17 }],
    [
      'TALLY.CANDIDATE_VOTES_EXCEED_VALID_BALLOTS',
      { candidateVotes: { 'na-01-1': 1221, 'na-01-2': 870, 'na-01-3': 300 } },
    ],
    [
      'TALLY.VOTES_EXCEED_SEATS_CAP',
      { candidateVotes: { 'na-01-1': 1200, 'na-01-2': 1200, 'na-01-3': 100 } },
    ],
    ['TALLY.CANDIDATES_MISMATCH', { candidateVotes: { 'na-01-1': 1000, 'na-01-2': 870 } }],
    [
      'TALLY.CANDIDATES_MISMATCH',
      { candidateVotes: { 'na-01-1': 1000, 'na-01-2': 870, 'na-01-3': 1, 'tp-01-1': 5 } },
    ],
  ])('breaking a rule is 422 %s as problem+json, and nothing is appended', async (code, change) => {
    const before = await eventCount();
    const res = await call('POST', `/elections/${electionId}/tallies`, naSheet(change));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe(code);
    expect(res.body.violations.map((v: { code: string }) => v.code)).toContain(code);
    expect(await eventCount()).toBe(before);
  });

  it('reports every broken rule at once', async () => {
    const res = await call(
      'POST',
      `/elections/${electionId}/tallies`,
      naSheet({ votersVoted: 1300, invalidBallots: 17 }),
    );
    expect(res.status).toBe(422);
    expect(res.body.violations.map((v: { code: string }) => v.code).sort()).toEqual([
      'TALLY.BALLOTS_DO_NOT_ADD_UP',
      'TALLY.VOTERS_VOTED_EXCEED_REGISTERED',
    ]);
  });

  it('accepts soft anomalies and lists them', async () => {
    const res = await call('POST', `/elections/${electionId}/tallies`, {
      ...naSheet({ pollingAreaId: 'ba-dinh-0002', contestId: 'hdnd-tp' }),
      registeredVoters: 950,
      votersVoted: 900,
      ballotsIssued: 905,
      ballotsReceived: 900,
      validBallots: 800,
      invalidBallots: 100,
      candidateVotes: { 'tp-01-1': 500, 'tp-01-2': 300 },
    });
    expect(res.status).toBe(201);
    expect(res.body.anomalies.map((a: { code: string }) => a.code).sort()).toEqual([
      'ANOMALY.BALLOTS_ISSUED_NOT_VOTERS_VOTED',
      'ANOMALY.HIGH_INVALID_SHARE',
      'ANOMALY.REGISTERED_VOTERS_DIFFER',
    ]);
  });

  it.each([
    ['ELECTION.NOT_FOUND', `/elections/nope/tallies`, naSheet()],
    ['TALLY.UNKNOWN_POLLING_AREA', `/elections/ELECTION/tallies`, naSheet({ pollingAreaId: 'nope-0001' })],
    ['TALLY.UNKNOWN_CONTEST', `/elections/ELECTION/tallies`, naSheet({ contestId: 'hdnd-xa' })],
  ])('an unknown reference is 404 %s', async (code, url, sheet) => {
    const res = await call('POST', url.replace('ELECTION', electionId), sheet);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(code);
  });

  it('malformed input is 400 naming every offending field, and nothing is appended', async () => {
    const before = await eventCount();
    const res = await call('POST', `/elections/${electionId}/tallies`, {
      ...naSheet(),
      submissionId: 'not-a-uuid',
      votersVoted: -1,
      validBallots: 1.5,
      candidateVotes: { 'na-01-1': 'many' },
      extra: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.INVALID');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['candidateVotes', 'extra', 'submissionId', 'validBallots', 'votersVoted'].sort(),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect(await eventCount()).toBe(before);
  });
});

describe('reading and correcting a sheet', () => {
  const url = () => `/elections/${electionId}/tallies/ba-dinh-0001/na`;

  beforeAll(async () => {
    const res = await call('POST', `/elections/${electionId}/tallies`, naSheet());
    expect(res.status).toBe(201);
  });

  it('GET returns the current sheet with its ETag', async () => {
    const res = await call('GET', url());
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toMatchObject({
      pollingAreaId: 'ba-dinh-0001',
      contestId: 'na',
      districtId: 'ba-dinh',
      unitId: 'na-01',
      revision: 0,
      counts: { validBallots: 1220 },
    });
  });

  it('a correction needs If-Match (428), a current one (412), a reason (422) and obeys the rules (422)', async () => {
    const correction = {
      ...naSheet(),
      submissionId: undefined,
      validBallots: 1202,
      invalidBallots: 36,
      reason: 'Biên bản ghi nhầm số phiếu hợp lệ',
    };
    delete (correction as Record<string, unknown>).submissionId;
    delete (correction as Record<string, unknown>).pollingAreaId;
    delete (correction as Record<string, unknown>).contestId;
    const before = await eventCount();
    expect((await call('POST', `${url()}/corrections`, correction)).body.code).toBe(
      'TALLY.IF_MATCH_REQUIRED',
    );
    expect((await call('POST', `${url()}/corrections`, correction)).status).toBe(428);
    const stale = await call('POST', `${url()}/corrections`, correction, { 'if-match': '"7"' });
    expect([stale.status, stale.body.code]).toEqual([412, 'TALLY.REVISION_MISMATCH']);
    const short = await call(
      'POST',
      `${url()}/corrections`,
      { ...correction, reason: 'typo' },
      { 'if-match': '"0"' },
    );
    expect([short.status, short.body.code, short.body.violations[0].field]).toEqual([
      422,
      'TALLY.REASON_TOO_SHORT',
      'reason',
    ]);
    const broken = await call(
      'POST',
      `${url()}/corrections`,
      { ...correction, invalidBallots: 30 },
      { 'if-match': '"0"' },
    );
    expect([broken.status, broken.body.code]).toEqual([422, 'TALLY.BALLOTS_DO_NOT_ADD_UP']);
    expect(await eventCount()).toBe(before);

    const ok = await call('POST', `${url()}/corrections`, correction, { 'if-match': '"0"' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ revision: 1, status: 'corrected' });
    expect(ok.headers.etag).toBe('"1"');
    const again = await call('POST', `${url()}/corrections`, correction, { 'if-match': '"0"' });
    expect(again.status).toBe(412);
    const weak = await call('POST', `${url()}/corrections`, correction, { 'if-match': 'W/"1"' });
    expect([weak.status, weak.body.code]).toEqual([412, 'TALLY.REVISION_MISMATCH']);
    const unreadable = await call('POST', `${url()}/corrections`, correction, { 'if-match': '*' });
    expect([unreadable.status, unreadable.body.code]).toEqual([400, 'REQUEST.INVALID_IF_MATCH']);

    const current = await call('GET', url());
    expect(current.headers.etag).toBe('"1"');
    expect(current.body.counts).toMatchObject({ validBallots: 1202, invalidBallots: 36 });

    const history = await call('GET', `${url()}/history`);
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'TallySubmitted',
      'TallyCorrected',
    ]);
    const corrected = history.body.events[1];
    expect(corrected).toMatchObject({
      revision: 1,
      reason: 'Biên bản ghi nhầm số phiếu hợp lệ',
      actor: { id: 'city-admin', role: 'admin' },
      previousCounts: { validBallots: 1220, invalidBallots: 18 },
      counts: { validBallots: 1202, invalidBallots: 36 },
    });
    expect(corrected.changedFields.sort()).toEqual(['invalidBallots', 'validBallots']);
    expect(history.body.events[0].counts.validBallots).toBe(1220);
  });
});

describe('retries racing each other', () => {
  // Every sheet here is for tay-ho-0001 / hdnd-tp: a stream of its own in this file.
  const councilSheet = (overrides: Record<string, unknown> = {}) => ({
    ...naSheet({ pollingAreaId: 'tay-ho-0001', contestId: 'hdnd-tp', registeredVoters: 1000 }),
    votersVoted: 900,
    ballotsIssued: 900,
    ballotsReceived: 900,
    validBallots: 880,
    invalidBallots: 20,
    candidateVotes: { 'tp-02-1': 500, 'tp-02-2': 380 },
    ...overrides,
  });
  const url = () => `/elections/${electionId}/tallies/tay-ho-0001/hdnd-tp`;

  it('one submissionId sent 10 times at once with different bodies: one is stored, only its senders hear 201', async () => {
    const submissionId = randomUUID();
    const bodies = Array.from({ length: 10 }, (_, i) =>
      councilSheet({ submissionId, candidateVotes: { 'tp-02-1': 400 + i, 'tp-02-2': 380 } }),
    );
    const answers = await Promise.all(
      bodies.map((body) => call('POST', `/elections/${electionId}/tallies`, body)),
    );
    const stored = await call('GET', url());
    expect(stored.status).toBe(200);
    const winner = bodies.findIndex(
      (b) => b.candidateVotes['tp-02-1'] === stored.body.counts.candidateVotes['tp-02-1'],
    );
    answers.forEach((answer, i) => {
      if (i === winner) expect(answer.status).toBe(201);
      else expect([i, answer.status, answer.body.code]).toEqual([i, 409, 'TALLY.SUBMISSION_ID_REUSED']);
    });
    const history = await call('GET', `${url()}/history`);
    expect(history.body.events).toHaveLength(1);

    const retries = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', `/elections/${electionId}/tallies`, bodies[winner])),
    );
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual({ ...answers[winner].body, replayed: true });
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
  });

  it('one correctionId sent 10 times at once with different counts: one is stored, only its senders hear 201', async () => {
    const correctionId = randomUUID();
    const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = councilSheet();
    const bodies = Array.from({ length: 10 }, (_, i) => ({
      ...counts,
      candidateVotes: { 'tp-02-1': 300 + i, 'tp-02-2': 380 },
      reason: 'Kiểm lại phiếu theo yêu cầu của Ban bầu cử',
      correctionId,
    }));
    const etag = (await call('GET', url())).headers.etag as string;
    const answers = await Promise.all(
      bodies.map((body) => call('POST', `${url()}/corrections`, body, { 'if-match': etag })),
    );
    const stored = await call('GET', url());
    const winner = bodies.findIndex(
      (b) => b.candidateVotes['tp-02-1'] === stored.body.counts.candidateVotes['tp-02-1'],
    );
    answers.forEach((answer, i) => {
      if (i === winner) expect([i, answer.status, answer.body.replayed]).toEqual([i, 201, false]);
      else expect([i, answer.status, answer.body.code]).toEqual([i, 409, 'TALLY.CORRECTION_ID_REUSED']);
    });

    // A retry of the stored correction, sent with its original If-Match, gets the original answer.
    const retry = await call('POST', `${url()}/corrections`, bodies[winner], { 'if-match': etag });
    expect([retry.status, retry.body]).toEqual([201, { ...answers[winner].body, replayed: true }]);
    const other = await call(
      'POST',
      `${url()}/corrections`,
      { ...bodies[winner], candidateVotes: { 'tp-02-1': 200, 'tp-02-2': 380 } },
      { 'if-match': stored.headers.etag as string },
    );
    expect([other.status, other.body.code]).toEqual([409, 'TALLY.CORRECTION_ID_REUSED']);
    expect((await call('GET', `${url()}/history`)).body.events).toHaveLength(2);
  });
});
