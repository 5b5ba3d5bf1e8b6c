import { EventStore } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { bearer, startTestApi, TestApi } from '../support/api';
import { naSheet, scanFiles, smallElection } from '../support/fixtures';
import { hostileTokens } from '../support/tokens';

/**
 * Acceptance: every endpoint × every kind of caller → the expected status. Each caller works on an election of its
 * own in which the NA sheets of ba-dinh-0001 and tay-ho-0001 are already submitted (by a city admin).
 */
const CALLERS = [
  'no token',
  'expired',
  'forged',
  'wrong audience',
  'submitter ba-dinh',
  'submitter tay-ho',
  'admin ba-dinh',
  'city admin',
  'auditor',
] as const;
type Caller = (typeof CALLERS)[number];

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: (e: string, position: number) => string;
  body?: (e: string) => unknown;
  headers?: Record<string, string>;
}

const tayHoSheet = () =>
  naSheet({
    pollingAreaId: 'tay-ho-0001',
    registeredVoters: 1000,
    votersVoted: 990,
    ballotsIssued: 990,
    ballotsReceived: 990,
    validBallots: 980,
    invalidBallots: 10,
    candidateVotes: { 'na-01-1': 700, 'na-01-2': 600, 'na-01-3': 300 },
  });
/** A turnout report at 12:30 Hanoi time on the polling day. */
const turnout = (pollingAreaId: string) => ({
  reportId: randomUUID(),
  pollingAreaId,
  asOf: '2021-05-23T05:30:00.000Z',
  votersVoted: 400,
});
const correction = (sheet: ReturnType<typeof naSheet>) => {
  const { submissionId: _, pollingAreaId: __, contestId: ___, ...counts } = sheet;
  return {
    ...counts,
    validBallots: sheet.validBallots - 2,
    invalidBallots: sheet.invalidBallots + 2,
    reason: 'Biên bản ghi nhầm số phiếu hợp lệ',
  };
};

/** A change the definition accepts after these sheets: the unit of the sheets is not touched. */
const amendment = () => ({
  reason: 'Nghị quyết của Hội đồng bầu cử quốc gia',
  changes: [{ type: 'rename', target: 'district', id: 'tay-ho', name: 'Quận Tây Hồ' }],
});

// prettier-ignore
const ENDPOINTS: [Endpoint, ...number[]][] = [
  //                                                                              no    exp  forged aud  sub   sub   admin city  auditor
  //                                                                              token                  b-d   t-h   b-d   admin
  [{ name: 'GET /health', method: 'GET', url: () => '/health' },                  200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET results/districts', method: 'GET',
     url: (e, p) => `/elections/${e}/results/districts?minPosition=${p}` },            200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET results/districts/ba-dinh', method: 'GET',
     url: (e, p) => `/elections/${e}/results/districts/ba-dinh?minPosition=${p}` },    200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET results/city', method: 'GET',
     url: (e, p) => `/elections/${e}/results/city?minPosition=${p}` },                 200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET /elections/{e}', method: 'GET', url: (e) => `/elections/${e}` }, 401,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'POST /elections', method: 'POST', url: () => '/elections',
     body: (e) => smallElection(`${e}-new`) },                                   401,  401, 401,  401,  403,  403,  403,  201,  403],
  [{ name: 'GET /elections/{e} as it stood', method: 'GET',
     url: (e, p) => `/elections/${e}?atPosition=${p}` },                         401,  401, 401,  401,  200,  200,  200,  200,  200],
  // Each 201 moves the definition to the next revision: the city admin's amendment carries the If-Match it has then.
  [{ name: 'POST amendments', method: 'POST', headers: { 'if-match': '"0"' },
     url: (e) => `/elections/${e}/amendments`, body: () => amendment() },         401,  401, 401,  401,  403,  403,  403,  201,  403],
  [{ name: 'POST tallies (ba-dinh-0002)', method: 'POST', url: (e) => `/elections/${e}/tallies`,
     body: () => naSheet({ pollingAreaId: 'ba-dinh-0002', registeredVoters: 900, votersVoted: 880,
       ballotsIssued: 880, ballotsReceived: 880, validBallots: 870, invalidBallots: 10,
       candidateVotes: { 'na-01-1': 600, 'na-01-2': 500, 'na-01-3': 300 } }) }, 401,  401, 401,  401,  201,  403,  201,  201,  403],
  [{ name: 'POST tallies (tay-ho-0002)', method: 'POST', url: (e) => `/elections/${e}/tallies`,
     body: () => naSheet({ pollingAreaId: 'tay-ho-0002', registeredVoters: 800, votersVoted: 780,
       ballotsIssued: 780, ballotsReceived: 780, validBallots: 770, invalidBallots: 10,
       candidateVotes: { 'na-01-1': 500, 'na-01-2': 400, 'na-01-3': 300 } }) }, 401,  401, 401,  401,  403,  201,  403,  201,  403],
  [{ name: 'POST tallies (unknown polling area)', method: 'POST', url: (e) => `/elections/${e}/tallies`,
     body: () => naSheet({ pollingAreaId: 'ba-dinh-0999' }) },                   401,  401, 401,  401,  403,  403,  403,  404,  403],
  [{ name: 'GET sheet ba-dinh-0001/na', method: 'GET',
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na` },                    401,  401, 401,  401,  200,  403,  200,  200,  200],
  [{ name: 'GET history ba-dinh-0001/na', method: 'GET',
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/history` },            401,  401, 401,  401,  200,  403,  200,  200,  200],
  [{ name: 'POST corrections ba-dinh-0001/na', method: 'POST', headers: { 'if-match': '"1"' },
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/corrections`,
     body: () => correction(naSheet()) },                                        401,  401, 401,  401,  403,  403,  201,  201,  403],
  [{ name: 'POST corrections tay-ho-0001/na', method: 'POST', headers: { 'if-match': '"1"' },
     url: (e) => `/elections/${e}/tallies/tay-ho-0001/na/corrections`,
     body: () => correction(tayHoSheet()) },                                     401,  401, 401,  401,  403,  403,  403,  201,  403],
  [{ name: 'GET audit', method: 'GET', url: (e) => `/elections/${e}/audit` },    401,  401, 401,  401,  403,  403,  200,  200,  200],
  [{ name: 'GET audit/checkpoint', method: 'GET',
     url: (e, p) => `/elections/${e}/audit/checkpoint?minPosition=${p}` },        200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET audit/public-key', method: 'GET',
     url: (e) => `/elections/${e}/audit/public-key` },                           200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET audit/export', method: 'GET',
     url: (e) => `/elections/${e}/audit/export` },                               401,  401, 401,  401,  403,  403,  200,  200,  200],
  [{ name: 'GET results/city as of a position', method: 'GET',
     url: (e, p) => `/elections/${e}/results/city?atPosition=${p}` },            200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET /elections', method: 'GET', url: () => '/elections' },           200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET turnout', method: 'GET',
     url: (e, p) => `/elections/${e}/turnout?minPosition=${p}` },                200,  401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'POST turnout (ba-dinh-0002)', method: 'POST', url: (e) => `/elections/${e}/turnout`,
     body: () => turnout('ba-dinh-0002') },                                      401,  401, 401,  401,  201,  403,  201,  201,  403],
  [{ name: 'POST turnout (tay-ho-0002)', method: 'POST', url: (e) => `/elections/${e}/turnout`,
     body: () => turnout('tay-ho-0002') },                                       401,  401, 401,  401,  403,  201,  403,  201,  403],
  [{ name: 'GET results/polling-areas.csv', method: 'GET',
     url: (e, p) => `/elections/${e}/results/polling-areas.csv?minPosition=${p}` }, 200, 401, 401,  401,  200,  200,  200,  200,  200],
  [{ name: 'GET results/polling-areas.json', method: 'GET',
     url: (e, p) => `/elections/${e}/results/polling-areas.json?minPosition=${p}` }, 200, 401, 401, 401,  200,  200,  200,  200,  200],
  [{ name: 'GET results/cdf.json', method: 'GET',
     url: (e, p) => `/elections/${e}/results/cdf.json?minPosition=${p}` },       200,  401, 401,  401,  200,  200,  200,  200,  200],
  // The scans are not published in this election (no publishScans): admins and auditors only.
  [{ name: 'GET scan ba-dinh-0001/na', method: 'GET',
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/scan` },               401,  401, 401,  401,  403,  403,  200,  200,  200],
  [{ name: 'GET scans ba-dinh-0001/na', method: 'GET',
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/scans` },              401,  401, 401,  401,  403,  403,  200,  200,  200],
  [{ name: 'PUT scan ba-dinh-0001/na', method: 'PUT', headers: { 'content-type': 'image/jpeg' },
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/scan`,
     body: () => scanFiles.jpeg() },                                             401,  401, 401,  401,  201,  403,  201,  201,  403],
  [{ name: 'PUT scan tay-ho-0001/na', method: 'PUT', headers: { 'content-type': 'image/jpeg' },
     url: (e) => `/elections/${e}/tallies/tay-ho-0001/na/scan`,
     body: () => scanFiles.jpeg() },                                             401,  401, 401,  401,  403,  201,  403,  201,  403],
  // Review and resolution: the sheets here count, so a caller the rules let through meets 409 (nothing to decide);
  // test/e2e/official-scenario.e2e.spec.ts decides real ones.
  [{ name: 'POST review ba-dinh-0001/na', method: 'POST', headers: { 'if-match': '"1"' },
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/review`,
     body: () => ({ decision: 'release', reason: 'Cử tri bổ sung trong ngày' }) }, 401, 401, 401, 401,  403,  403,  409,  409,  403],
  [{ name: 'POST review tay-ho-0001/na', method: 'POST', headers: { 'if-match': '"1"' },
     url: (e) => `/elections/${e}/tallies/tay-ho-0001/na/review`,
     body: () => ({ decision: 'release', reason: 'Cử tri bổ sung trong ngày' }) }, 401, 401, 401, 401,  403,  403,  403,  409,  403],
  [{ name: 'POST resolution ba-dinh-0001/na', method: 'POST', headers: { 'if-match': '"1"' },
     url: (e) => `/elections/${e}/tallies/ba-dinh-0001/na/resolution`,
     body: () => correction(naSheet()) },                                        401,  401, 401,  401,  403,  403,  409,  409,  403],
  [{ name: 'GET review', method: 'GET',
     url: (e, p) => `/elections/${e}/review?minPosition=${p}` },                 401,  401, 401,  401,  403,  403,  200,  200,  200],
  // Last: once certified, the unit's sheets are locked. The NA unit spans both districts: a district admin of one of
  // them may not certify it; the city admin has all four sheets by now (the rows above).
  [{ name: 'POST certification na-01', method: 'POST',
     url: (e) => `/elections/${e}/contests/na/units/na-01/certification`, body: () => ({}) },
                                                                                  401,  401, 401,  401,  403,  403,  403,  201,  403],
  [{ name: 'POST certification revocation na-01', method: 'POST',
     url: (e) => `/elections/${e}/contests/na/units/na-01/certification/revocation`,
     body: () => ({ reason: 'Khiếu nại về biên bản kiểm phiếu' }) },          401,  401, 401,  401,  403,  403,  403,  201,  403],
  // Annulling the result is the city's decision (Art. 80): no district admin, auditor or submitter.
  [{ name: 'POST annulment na-01', method: 'POST',
     url: (e) => `/elections/${e}/contests/na/units/na-01/annulment`,
     body: () => ({ reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra' }) },
                                                                                  401,  401, 401,  401,  403,  403,  403,  201,  403],
  // GET /elections/{e}/live is public like the results; its stream never ends, so test/e2e/live.e2e.spec.ts covers it.
];

let api: TestApi;
let authorization: Record<Caller, Record<string, string>>;

beforeAll(async () => {
  api = await startTestApi();
  const hostile = await hostileTokens(api.config);
  const token = (role: 'submitter' | 'admin' | 'auditor', districts?: string[]) =>
    api.tokenFor({ role, districts }).then(bearer);
  authorization = {
    'no token': { authorization: '' },
    expired: bearer(hostile.expired),
    forged: bearer(hostile.forged),
    'wrong audience': bearer(hostile.wrongAudience),
    'submitter ba-dinh': await token('submitter', ['ba-dinh']),
    'submitter tay-ho': await token('submitter', ['tay-ho']),
    'admin ba-dinh': await token('admin', ['ba-dinh']),
    'city admin': await token('admin'),
    auditor: await token('auditor'),
  };
});
afterAll(() => api?.close());

describe('who may call which endpoint', () => {
  it.each(CALLERS.map((caller, column) => [caller, column] as const))('%s', async (caller, column) => {
    const electionId = `acl-${column}-${Date.now().toString(36)}`;
    expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
    expect((await api.call('POST', `/elections/${electionId}/tallies`, naSheet())).status).toBe(201);
    const tayHo = await api.call('POST', `/elections/${electionId}/tallies`, tayHoSheet());
    expect(tayHo.status).toBe(201);
    // Both sheets have a scan (revision 1 now), so the scan reads have something to answer with.
    let setup = tayHo;
    for (const pollingAreaId of ['ba-dinh-0001', 'tay-ho-0001']) {
      const attached = await api.call(
        'PUT',
        `/elections/${electionId}/tallies/${pollingAreaId}/na/scan`,
        scanFiles.png(),
        {
          'content-type': 'image/png',
        },
      );
      expect(attached.status).toBe(201);
      setup = attached;
    }
    const store = api.app.get(EventStore);

    const expected: string[] = [];
    const actual: string[] = [];
    for (const [endpoint, ...statuses] of ENDPOINTS) {
      const want = statuses[column];
      const before = await store.headPosition();
      const res = await api.call(
        endpoint.method,
        endpoint.url(electionId, setup.body.position),
        endpoint.body?.(electionId),
        {
          ...endpoint.headers,
          ...authorization[caller],
        },
      );
      const after = await store.headPosition();
      expected.push(`${endpoint.name} → ${want}`);
      actual.push(`${endpoint.name} → ${res.status}`);
      if (res.status >= 400) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        // A refused request stores nothing.
        expect(after).toBe(before);
      }
      if (res.status === 401) {
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="tally-ledger"/);
        const code = { 'no token': 'AUTH.TOKEN_MISSING', expired: 'AUTH.TOKEN_EXPIRED' }[caller as string];
        expect(res.body.code).toBe(code ?? 'AUTH.TOKEN_INVALID');
      }
      if (res.status === 403) expect(['AUTH.FORBIDDEN', 'AUTH.OUT_OF_SCOPE']).toContain(res.body.code);
      if (res.status === 201) expect(after).toBeGreaterThan(before);
    }
    expect(actual).toEqual(expected);
  });
});
