import { startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';

let api: TestApi;
let electionId: string;

function call(method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return api.call(method, url, payload, headers);
}

const sheets = [
  naSheet({ pollingAreaId: 'ba-dinh-0001' }), // 1238 voted, 1220 valid: 1010 / 870 / 400
  secondBaDinhNaSheet(),
  naSheet({
    pollingAreaId: 'tay-ho-0001',
    registeredVoters: 1000,
    votersVoted: 950,
    ballotsIssued: 950,
    ballotsReceived: 950,
    validBallots: 940,
    invalidBallots: 10,
    candidateVotes: { 'na-01-1': 400, 'na-01-2': 700, 'na-01-3': 600 },
  }),
  {
    ...naSheet({ pollingAreaId: 'ba-dinh-0001', contestId: 'hdnd-tp' }),
    candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 520 },
  },
];

let lastPosition = -1;

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  for (const sheet of sheets) {
    const res = await call('POST', `/elections/${electionId}/tallies`, sheet);
    expect(res.status).toBe(201);
    lastPosition = res.body.position;
  }
});
afterAll(() => api.close());

describe('district and city results', () => {
  it('a client reads its own write with ?minPosition and the response says which position it reflects', async () => {
    const res = await call('GET', `/elections/${electionId}/results/districts?minPosition=${lastPosition}`);
    expect(res.status).toBe(200);
    expect(res.body.position).toBeGreaterThanOrEqual(lastPosition);
    const baDinh = res.body.districts.find((d: { districtId: string }) => d.districtId === 'ba-dinh');
    const na = baDinh.contests.find((c: { contestId: string }) => c.contestId === 'na');
    expect(na).toMatchObject({
      pollingAreasReported: 2,
      pollingAreasExpected: 2,
      registeredVoters: 2150,
      votersVoted: 2118,
      validBallots: 2090,
      invalidBallots: 28,
      turnout: Number((2118 / 2150).toFixed(4)),
    });
    const votes = Object.fromEntries(
      na.candidates.map((c: { candidateId: string; votes: number }) => [c.candidateId, c.votes]),
    );
    expect(votes).toEqual({ 'na-01-1': 1610, 'na-01-2': 1370, 'na-01-3': 700 });
  });

  it('one district alone, and 404 for an unknown one', async () => {
    const res = await call(
      'GET',
      `/elections/${electionId}/results/districts/tay-ho?minPosition=${lastPosition}`,
    );
    expect(res.status).toBe(200);
    const na = res.body.contests.find((c: { contestId: string }) => c.contestId === 'na');
    expect(na).toMatchObject({ pollingAreasReported: 1, pollingAreasExpected: 2, votersVoted: 950 });
    const district = await call('GET', `/elections/${electionId}/results/districts/hoan-kiem`);
    expect([district.status, district.body.code]).toEqual([404, 'RESULTS.NOT_FOUND']);
    for (const path of ['results/city', 'results/districts', 'results/districts/ba-dinh', 'audit']) {
      const res = await call('GET', `/elections/unknown-election/${path}`);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'ELECTION.NOT_FOUND']);
    }
  });

  it('city totals equal the sum of the districts, and units show provisional winners (Art. 78)', async () => {
    const [city, districts] = await Promise.all([
      call('GET', `/elections/${electionId}/results/city?minPosition=${lastPosition}`),
      call('GET', `/elections/${electionId}/results/districts?minPosition=${lastPosition}`),
    ]);
    expect(city.status).toBe(200);
    for (const contest of city.body.contests) {
      const rows = districts.body.districts.flatMap((d: { contests: Array<{ contestId: string }> }) =>
        d.contests.filter((c) => c.contestId === contest.contestId),
      );
      for (const field of [
        'pollingAreasReported',
        'pollingAreasExpected',
        'registeredVoters',
        'votersVoted',
        'validBallots',
        'invalidBallots',
      ]) {
        expect([contest.contestId, field, contest[field]]).toEqual([
          contest.contestId,
          field,
          rows.reduce((s: number, r: Record<string, number>) => s + r[field], 0),
        ]);
      }
    }
    const na = city.body.contests.find((c: { contestId: string }) => c.contestId === 'na');
    expect(na.pollingAreasReported).toBe(3);
    const unit = na.units[0];
    // 3150 registered on the sheets, 3068 voted; 3030 valid: 2010 / 2070 / 1300 — two seats, both above half.
    expect(unit).toMatchObject({ unitId: 'na-01', seats: 2, provisional: true, validBallots: 3030 });
    const elected = unit.candidates
      .filter((c: { elected: boolean }) => c.elected)
      .map((c: { candidateId: string }) => c.candidateId);
    expect(elected.sort()).toEqual(['na-01-1', 'na-01-2']);
    const share = unit.candidates.find((c: { candidateId: string }) => c.candidateId === 'na-01-3').share;
    expect(share).toBeCloseTo(1300 / 3030, 4);
  });

  it('a correction replaces the counts in the totals instead of adding to them', async () => {
    const url = `/elections/${electionId}/tallies/tay-ho-0001/na`;
    const corrected = await call(
      'POST',
      `${url}/corrections`,
      {
        ...sheets[2],
        submissionId: undefined,
        pollingAreaId: undefined,
        contestId: undefined,
        validBallots: 930,
        invalidBallots: 20,
        candidateVotes: { 'na-01-1': 400, 'na-01-2': 690, 'na-01-3': 600 },
        reason: 'Đếm lại phiếu không hợp lệ',
      },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const res = await call(
      'GET',
      `/elections/${electionId}/results/districts/tay-ho?minPosition=${corrected.body.position}`,
    );
    const na = res.body.contests.find((c: { contestId: string }) => c.contestId === 'na');
    expect(na).toMatchObject({ pollingAreasReported: 1, validBallots: 930, invalidBallots: 20 });
    expect(na.candidates.find((c: { candidateId: string }) => c.candidateId === 'na-01-2').votes).toBe(690);
  });
});

describe('audit trail', () => {
  it('lists every event in global order with cursor pagination', async () => {
    const first = await call('GET', `/elections/${electionId}/audit?limit=2&minPosition=${lastPosition}`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      type: 'ElectionDefined',
      actor: { id: 'city-admin', role: 'admin' },
    });
    const all = [...first.body.items];
    let cursor = first.body.nextCursor;
    while (cursor !== null) {
      const page = await call('GET', `/elections/${electionId}/audit?limit=2&after=${cursor}`);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    const positions = all.map((i: { position: number }) => i.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(
      all.map((i: { type: string }) => i.type).filter((t: string) => t === 'TallySubmitted'),
    ).toHaveLength(sheets.length);
    const correction = all.find((i: { type: string }) => i.type === 'TallyCorrected');
    expect(correction).toMatchObject({
      reason: 'Đếm lại phiếu không hợp lệ',
      pollingAreaId: 'tay-ho-0001',
      contestId: 'na',
      districtId: 'tay-ho',
    });
    expect(correction.summary).toEqual(expect.stringContaining('tay-ho-0001'));
  });
});

describe('query strings', () => {
  it('a minPosition beyond the log is refused at once, not after the wait', async () => {
    const started = Date.now();
    const res = await call('GET', `/elections/${electionId}/results/city?minPosition=999999`);
    expect([res.status, res.body.code, res.body.errors[0].field]).toEqual([
      400,
      'REQUEST.POSITION_BEYOND_LOG',
      'minPosition',
    ]);
    // The test api waits up to 10 s for a position it has not reached: well short of that is "at once".
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it.each([
    'minPosition=0x10',
    'minPosition=1e1',
    'minPosition=',
    'minPosition=%20',
    'after=0x10',
    'limit=1.5',
    'limit=0',
  ])('reads integers strictly: %s is 400', async (query) => {
    const path = query.startsWith('minPosition') ? 'results/city' : 'audit';
    const res = await call('GET', `/elections/${electionId}/${path}?${query}`);
    expect([res.status, res.body.code]).toEqual([400, 'REQUEST.INVALID']);
  });
});

describe('HTTP conventions', () => {
  it('GET /health reports the event store, the database and projection lag', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'up',
      eventStore: { adapter: 'postgres', status: 'up' },
      database: { status: 'up' },
    });
    expect(res.body.projections.map((p: { name: string }) => p.name).sort()).toEqual([
      'audit-digest',
      'audit-trail',
      'live-timeline',
      'polling-area-results',
      'results',
      'time-index',
      'turnout',
    ]);
    expect(res.body.projections[0]).toHaveProperty('lag');
  });

  it('OpenAPI documents every endpoint', async () => {
    const res = await call('GET', '/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        '/elections',
        '/elections/{electionId}',
        '/elections/{electionId}/amendments',
        '/elections/{electionId}/audit',
        '/elections/{electionId}/audit/checkpoint',
        '/elections/{electionId}/audit/export',
        '/elections/{electionId}/audit/public-key',
        '/elections/{electionId}/contests/{contestId}/units/{unitId}/annulment',
        '/elections/{electionId}/contests/{contestId}/units/{unitId}/certification',
        '/elections/{electionId}/contests/{contestId}/units/{unitId}/certification/revocation',
        '/elections/{electionId}/live',
        '/elections/{electionId}/results/city',
        '/elections/{electionId}/results/districts',
        '/elections/{electionId}/results/districts/{districtId}',
        '/elections/{electionId}/results/cdf.json',
        '/elections/{electionId}/results/polling-areas.csv',
        '/elections/{electionId}/results/polling-areas.json',
        '/elections/{electionId}/review',
        '/elections/{electionId}/tallies',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/corrections',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/history',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/resolution',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/review',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/scan',
        '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/scans',
        '/elections/{electionId}/turnout',
        '/health',
      ].sort(),
    );
    const submit = res.body.paths['/elections/{electionId}/tallies'].post;
    expect(Object.keys(submit.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '500',
    ]);
    // The amendment: a 2xx schema, If-Match, and every kind of change as a schema of its own.
    const amend = res.body.paths['/elections/{electionId}/amendments'].post;
    expect(amend.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/AmendElectionResultDto',
    });
    expect(amend.parameters).toContainEqual(
      expect.objectContaining({ name: 'If-Match', in: 'header', required: true }),
    );
    expect(Object.keys(amend.responses)).toEqual(expect.arrayContaining(['201', '409', '412', '422', '428']));
    const changes = res.body.components.schemas.AmendElectionDto.properties.changes.items.oneOf;
    expect(changes).toHaveLength(9);
    for (const { $ref } of changes) expect(res.body.components.schemas[$ref.split('/').pop()]).toBeDefined();
    const page = await api.app.inject({ method: 'GET', url: '/docs' });
    expect([page.statusCode, page.headers['content-type']]).toEqual([
      200,
      expect.stringMatching(/text\/html/),
    ]);
  });

  it.each([
    ['an unknown route', 'GET', '/nowhere', undefined, {}, 404],
    ['unreadable JSON', 'POST', '/elections', '{"electionId": ', { 'content-type': 'application/json' }, 400],
    [
      'an unsupported media type',
      'POST',
      '/elections',
      'electionId=x',
      { 'content-type': 'text/plain' },
      415,
    ],
  ])('%s is problem+json without a stack trace', async (_what, method, url, payload, headers, status) => {
    const response = await api.app.inject({
      method: method as 'GET',
      url,
      payload: payload as string,
      headers,
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({
      status,
      code: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(response.body).not.toMatch(/node_modules|\.ts:\d+|\.js:\d+/);
  });

  it('defining an election twice is 409, an inconsistent definition is 422 naming the fields', async () => {
    const again = await call('POST', '/elections', smallElection(electionId));
    expect([again.status, again.body.code]).toEqual([409, 'ELECTION.ALREADY_DEFINED']);
    // five racing definitions of one new id: one 201, and every loser gets the same 409 as a later request would
    const racedId = smallElection().electionId;
    const raced = await Promise.all(
      [1, 2, 3, 4, 5].map(() => call('POST', '/elections', smallElection(racedId))),
    );
    expect(raced.filter((r) => r.status === 201)).toHaveLength(1);
    const late = await call('POST', '/elections', smallElection(racedId));
    const shape = (b: Record<string, unknown>) => ({
      code: b.code,
      detail: b.detail,
      electionId: b.electionId,
    });
    for (const r of raced.filter((x) => x.status !== 201)) {
      expect([r.status, shape(r.body)]).toEqual([409, shape(late.body)]);
    }
    const broken = smallElection();
    broken.pollingAreas[0].districtId = 'hoan-kiem';
    broken.contests[0].electoralUnits[0].seats = 5;
    const res = await call('POST', '/elections', broken);
    expect(res.status).toBe(422);
    const fields = res.body.violations.map((v: { field: string }) => v.field);
    expect(fields).toEqual(
      expect.arrayContaining(['pollingAreas[0].districtId', 'contests[0].electoralUnits[0].seats']),
    );
    expect((await call('GET', `/elections/${broken.electionId}`)).status).toBe(404);
    expect((await call('GET', `/elections/${electionId}`)).body.pollingAreas).toHaveLength(4);
  });
});
