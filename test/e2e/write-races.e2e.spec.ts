import { electionStreamId, tallyStreamId, turnoutStreamId, unitStreamId } from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { bearer, startTestApi, TestApi, TestResponse } from '../support/api';
import { correctionOf, heldSheetOf, scanFiles, sheetOf, smallElection } from '../support/fixtures';

/**
 * Every write endpoint, sent five identical requests at once, as a client retrying on a bad network would
 * (docs/api.md, "Retries"): one event is stored for them. Where the write has a retry key (a submissionId, a
 * correctionId, a reportId, the same scan bytes, a decision's or an amendment's If-Match with its body) every sender
 * hears the stored write, four of them as replays; where it has none (a definition, the unit decisions) one hears
 * 201 and the others the very refusal a later request gets. Each case works on an election of its own.
 */
jest.setTimeout(120_000);

let api: TestApi;
let store: EventStore;
const REASON = 'Biên bản ghi nhầm số phiếu, đối chiếu bản gốc';

beforeAll(async () => {
  api = await startTestApi();
  store = api.app.get(EventStore);
  // A fresh app's first concurrent requests wait for connections to be opened, and its first correction takes a
  // slower path: enough to serialise a race. Both happen here, before any race.
  const [warm] = await Promise.all([1, 2, 3, 4, 5].map(() => define()));
  await created(api.call('POST', `/elections/${warm}/tallies`, sheetOf('ba-dinh-0001', 'na')));
  const correction = correctionOf(sheetOf('ba-dinh-0001', 'na', 1), REASON);
  await created(
    api.call('POST', `/elections/${warm}/tallies/ba-dinh-0001/na/corrections`, correction, {
      'if-match': '"0"',
    }),
  );
});
afterAll(() => api?.close());

async function define(overrides: Record<string, unknown> = {}): Promise<string> {
  const definition = { ...smallElection(), ...overrides };
  const res = await api.call('POST', '/elections', definition);
  expect(res.status).toBe(201);
  return definition.electionId;
}

async function created(res: Promise<TestResponse>): Promise<TestResponse> {
  const answer = await res;
  expect([answer.status, answer.body.code]).toEqual([201, undefined]);
  return answer;
}

async function etagOf(electionId: string, pollingAreaId: string, contestId = 'na'): Promise<string> {
  const res = await api.call('GET', `/elections/${electionId}/tallies/${pollingAreaId}/${contestId}`);
  expect(res.status).toBe(200);
  return res.headers.etag as string;
}

async function eventsOf(streamId: string): Promise<number> {
  return (await store.readStream(streamId)).length;
}

const five = (send: () => Promise<TestResponse>) => Promise.all([1, 2, 3, 4, 5].map(() => send()));

/** What a sender heard, in a form that shows all five answers when a case fails. */
function heard(r: TestResponse) {
  return {
    status: r.status,
    code: r.body?.code,
    replayed: r.body?.replayed,
    idempotentReplayed: r.headers['idempotent-replayed'],
  };
}

/**
 * A write with a retry key, raced five times: every sender hears the stored write (`replayStatus` for the four
 * replays: 201, or 200 for a scan), one event is appended to `streamId`, exactly one answer is the original
 * (`replayed: false`, no Idempotent-Replayed) and the others answer the same revision and position as replays.
 */
async function raceWithRetryKey(
  streamId: string,
  send: () => Promise<TestResponse>,
  replayStatus = 201,
): Promise<TestResponse> {
  const head = await store.headPosition();
  const inStream = await eventsOf(streamId);
  const raced = await five(send);
  const order = (r: TestResponse) => (r.body?.replayed === false ? 0 : 1);
  expect([...raced].sort((a, b) => order(a) - order(b)).map(heard)).toEqual([
    { status: 201, code: undefined, replayed: false, idempotentReplayed: undefined },
    ...[1, 2, 3, 4].map(() => ({
      status: replayStatus,
      code: undefined,
      replayed: true,
      idempotentReplayed: 'true',
    })),
  ]);
  const [original] = raced.filter((r) => r.body.replayed === false);
  expect(new Set(raced.map((r) => `${r.body.revision}@${r.body.position}`))).toEqual(
    new Set([`${original.body.revision}@${original.body.position}`]),
  );
  for (const r of raced) {
    if (r === original) continue;
    expect(r.body).toEqual({ ...original.body, replayed: true });
    expect(r.headers.etag).toBe(original.headers.etag);
  }
  expect(await store.headPosition()).toBe(head + 1);
  expect(await eventsOf(streamId)).toBe(inStream + 1);
  return original;
}

/** A refusal as a sender hears it: status, code and detail, as problem+json. */
function refusal(r: TestResponse) {
  return {
    status: r.status,
    problemJson: /^application\/problem\+json/.test(String(r.headers['content-type'])),
    code: r.body?.code,
    detail: r.body?.detail,
  };
}

/**
 * A write without a retry key, raced five times: one 201, one event appended to `streamId`, and each of the four
 * others hears exactly the refusal (`status`, `code`, detail) that the same request sent once more afterwards gets.
 */
async function raceWithoutRetryKey(
  streamId: string,
  send: () => Promise<TestResponse>,
  status: number,
  code: string,
): Promise<TestResponse> {
  const head = await store.headPosition();
  const inStream = await eventsOf(streamId);
  const raced = await five(send);
  const stored = await store.headPosition();
  const late = await send();
  expect(refusal(late)).toEqual({ status, problemJson: true, code, detail: expect.any(String) });
  expect(await store.headPosition()).toBe(stored);
  const won = raced.filter((r) => r.status === 201);
  expect(raced.map((r) => (r.status === 201 ? 'created' : refusal(r)))).toEqual(
    raced.map((r) => (r === won[0] ? 'created' : refusal(late))),
  );
  expect(won).toHaveLength(1);
  expect(stored).toBe(head + 1);
  expect(await eventsOf(streamId)).toBe(inStream + 1);
  return won[0];
}

describe('five identical requests at once: one event', () => {
  it('POST /elections: one 201, the others the 409 ELECTION.ALREADY_DEFINED a later definition gets', async () => {
    const electionId = smallElection().electionId;
    const won = await raceWithoutRetryKey(
      electionStreamId(electionId),
      () => api.call('POST', '/elections', smallElection(electionId)),
      409,
      'ELECTION.ALREADY_DEFINED',
    );
    expect(won.body).toMatchObject({ electionId, revision: 0 });
  });

  it('POST …/tallies with one submissionId: five 201 of one sheet, four replays', async () => {
    const electionId = await define();
    const sheet = sheetOf('ba-dinh-0001', 'na');
    const original = await raceWithRetryKey(tallyStreamId(electionId, 'ba-dinh-0001', 'na'), () =>
      api.call('POST', `/elections/${electionId}/tallies`, sheet),
    );
    expect(original.body).toMatchObject({ revision: 0, status: 'submitted', standing: 'counted' });
  });

  it('POST …/corrections with one correctionId and If-Match: five 201 of one correction, four replays', async () => {
    const electionId = await define();
    await created(api.call('POST', `/elections/${electionId}/tallies`, sheetOf('ba-dinh-0002', 'na')));
    const ifMatch = await etagOf(electionId, 'ba-dinh-0002');
    const correction = {
      ...correctionOf(sheetOf('ba-dinh-0002', 'na', 7), REASON),
      correctionId: randomUUID(),
    };
    const original = await raceWithRetryKey(tallyStreamId(electionId, 'ba-dinh-0002', 'na'), () =>
      api.call('POST', `/elections/${electionId}/tallies/ba-dinh-0002/na/corrections`, correction, {
        'if-match': ifMatch,
      }),
    );
    expect(original.body).toMatchObject({ revision: 1, status: 'corrected' });
  });

  it('POST …/corrections without correctionId, one If-Match: one 201, the others 412 TALLY.REVISION_MISMATCH', async () => {
    const electionId = await define();
    await created(api.call('POST', `/elections/${electionId}/tallies`, sheetOf('tay-ho-0002', 'na')));
    const ifMatch = await etagOf(electionId, 'tay-ho-0002');
    const correction = correctionOf(sheetOf('tay-ho-0002', 'na', 3), REASON);
    const streamId = tallyStreamId(electionId, 'tay-ho-0002', 'na');
    const send = () =>
      api.call('POST', `/elections/${electionId}/tallies/tay-ho-0002/na/corrections`, correction, {
        'if-match': ifMatch,
      });
    const head = await store.headPosition();
    const raced = await five(send);
    const stored = await store.headPosition();
    const won = raced.filter((r) => r.status === 201);
    const stale = {
      status: 412,
      problemJson: true,
      code: 'TALLY.REVISION_MISMATCH',
      detail: expect.any(String),
    };
    expect(raced.map((r) => (r.status === 201 ? heard(r) : refusal(r)))).toEqual(
      raced.map((r) =>
        r === won[0]
          ? { status: 201, code: undefined, replayed: false, idempotentReplayed: undefined }
          : stale,
      ),
    );
    expect(won).toHaveLength(1);
    // Each stale answer names the revision the winner left, as a later request's does.
    for (const r of raced) if (r !== won[0]) expect(r.body.currentRevision).toBe(won[0].body.revision);
    const late = await send();
    expect([refusal(late), late.body.currentRevision]).toEqual([stale, won[0].body.revision]);
    expect(await store.headPosition()).toBe(stored);
    expect(stored).toBe(head + 1);
    expect(await eventsOf(streamId)).toBe(2);
  });

  it('POST /elections/{e}/turnout with one reportId: five 201 of one report, four replays', async () => {
    const electionId = await define();
    const report = {
      reportId: randomUUID(),
      pollingAreaId: 'tay-ho-0001',
      asOf: '2021-05-23T12:30:00+07:00',
      votersVoted: 512,
    };
    const original = await raceWithRetryKey(turnoutStreamId(electionId, 'tay-ho-0001'), () =>
      api.call('POST', `/elections/${electionId}/turnout`, report),
    );
    expect(original.body).toMatchObject({ reportId: report.reportId, revision: 0 });
  });

  it('PUT …/scan with the same bytes: one 201, four replays (200, as docs/api.md says of a retry)', async () => {
    const electionId = await define();
    await created(api.call('POST', `/elections/${electionId}/tallies`, sheetOf('ba-dinh-0001', 'hdnd-tp')));
    const bytes = scanFiles.jpeg(8192);
    const original = await raceWithRetryKey(
      tallyStreamId(electionId, 'ba-dinh-0001', 'hdnd-tp'),
      () =>
        api.call('PUT', `/elections/${electionId}/tallies/ba-dinh-0001/hdnd-tp/scan`, bytes, {
          'content-type': 'image/jpeg',
        }),
      200,
    );
    expect(original.body).toMatchObject({ revision: 1, countsRevision: 0, size: bytes.length });
  });

  it('POST …/resolution with one If-Match: five 201 of one resolution, four replays', async () => {
    const electionId = await define({ verification: { doubleEntry: true } });
    const first = bearer(await api.tokenFor({ role: 'submitter', districts: ['ba-dinh'], sub: 'first' }));
    const second = bearer(await api.tokenFor({ role: 'submitter', districts: ['ba-dinh'], sub: 'second' }));
    const paper = sheetOf('ba-dinh-0001', 'na');
    await created(api.call('POST', `/elections/${electionId}/tallies`, paper, first));
    const differing = await created(
      api.call('POST', `/elections/${electionId}/tallies`, sheetOf('ba-dinh-0001', 'na', 4), second),
    );
    expect(differing.body.status).toBe('discrepancy');
    const ifMatch = await etagOf(electionId, 'ba-dinh-0001');
    const resolution = correctionOf(paper, 'Đối chiếu biên bản gốc: lần nhập thứ nhất đúng');
    const original = await raceWithRetryKey(tallyStreamId(electionId, 'ba-dinh-0001', 'na'), () =>
      api.call('POST', `/elections/${electionId}/tallies/ba-dinh-0001/na/resolution`, resolution, {
        'if-match': ifMatch,
      }),
    );
    expect(original.body).toMatchObject({ revision: 2, status: 'resolved', standing: 'counted' });
  });

  it('POST …/review with one If-Match: five 201 of one release, four replays', async () => {
    const electionId = await define();
    const held = await created(
      api.call('POST', `/elections/${electionId}/tallies`, heldSheetOf('tay-ho-0001', 'na')),
    );
    expect(held.body.status).toBe('held');
    const ifMatch = await etagOf(electionId, 'tay-ho-0001');
    const decision = { decision: 'release', reason: 'Cử tri bổ sung trong ngày bầu cử, Ban bầu cử xác nhận' };
    const original = await raceWithRetryKey(tallyStreamId(electionId, 'tay-ho-0001', 'na'), () =>
      api.call('POST', `/elections/${electionId}/tallies/tay-ho-0001/na/review`, decision, {
        'if-match': ifMatch,
      }),
    );
    expect(original.body).toMatchObject({ revision: 1, status: 'released', standing: 'counted' });
  });

  it('POST /elections/{e}/amendments with one If-Match: five 201 of one amendment, four replays', async () => {
    const electionId = await define();
    // A change checked against the record: each sender waits for the read models between its read and its append.
    const amendment = {
      reason: 'Bổ sung 5 cử tri vào danh sách cử tri khu vực bỏ phiếu số 2',
      changes: [{ type: 'changeRegisteredVoters', pollingAreaId: 'ba-dinh-0002', registeredVoters: 905 }],
    };
    const original = await raceWithRetryKey(electionStreamId(electionId), () =>
      api.call('POST', `/elections/${electionId}/amendments`, amendment, { 'if-match': '"0"' }),
    );
    expect(original.body).toMatchObject({ electionId, revision: 1 });
  });

  it('POST …/certification: one 201, the others the 409 UNIT.ALREADY_CERTIFIED a later request gets', async () => {
    const electionId = await define();
    for (const pa of ['tay-ho-0001', 'tay-ho-0002'])
      await created(api.call('POST', `/elections/${electionId}/tallies`, sheetOf(pa, 'hdnd-tp')));
    const won = await raceWithoutRetryKey(
      unitStreamId(electionId, 'hdnd-tp', 'tp-02'),
      () =>
        api.call('POST', `/elections/${electionId}/contests/hdnd-tp/units/tp-02/certification`, {
          reason: 'Biên bản xác định kết quả',
        }),
      409,
      'UNIT.ALREADY_CERTIFIED',
    );
    expect(won.body).toMatchObject({ revision: 0, status: 'certified' });
  });

  it('POST …/certification/revocation: one 201, the others the 409 UNIT.NOT_CERTIFIED a later request gets', async () => {
    const electionId = await define();
    for (const pa of ['ba-dinh-0001', 'ba-dinh-0002'])
      await created(api.call('POST', `/elections/${electionId}/tallies`, sheetOf(pa, 'hdnd-tp')));
    const unitUrl = `/elections/${electionId}/contests/hdnd-tp/units/tp-01`;
    await created(api.call('POST', `${unitUrl}/certification`, {}));
    const won = await raceWithoutRetryKey(
      unitStreamId(electionId, 'hdnd-tp', 'tp-01'),
      () =>
        api.call('POST', `${unitUrl}/certification/revocation`, {
          reason: 'Khiếu nại về số phiếu tại ba-dinh-0002',
        }),
      409,
      'UNIT.NOT_CERTIFIED',
    );
    expect(won.body).toMatchObject({ revision: 1, status: 'uncertified', record: null });
  });

  it('POST …/annulment: one 201, the others the 409 UNIT.ALREADY_ANNULLED a later request gets', async () => {
    const electionId = await define();
    const won = await raceWithoutRetryKey(
      unitStreamId(electionId, 'na', 'na-01'),
      () =>
        api.call('POST', `/elections/${electionId}/contests/na/units/na-01/annulment`, {
          reason: 'Thu về nhiều hơn số phiếu phát ra 75 phiếu',
        }),
      409,
      'UNIT.ALREADY_ANNULLED',
    );
    expect(won.body).toMatchObject({ revision: 0, status: 'annulled', outcome: 're-vote-required' });
  });
});
