import { EventStore } from '@tally/event-store';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { startTestApi, TestApi } from '../support/api';
import { rawRequest } from '../support/raw-http';
import { naSheet, smallElection } from '../support/fixtures';

/**
 * Acceptance: thousands of generated malformed and hostile requests to every write endpoint. None may fail the
 * server (5xx), every refusal is problem+json, and the event store holds exactly the events it held before.
 * Fixed seed: a failure names the request, and the same run repeats it.
 */
const SEED = 20_261_127;
const RUNS_PER_ENDPOINT = 700;
const ELECTION = 'fuzz-e';

// Strings no id pattern accepts, each with a trick: bidi override, NUL, zero width, lone surrogates, BOM, huge.
const TRICKS = [
  '\u202e',
  '\u2066evil\u2069',
  '\u0000',
  '\u200b',
  '\u200d',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u0085',
  '\u2028',
  'é', // combining accent
  '😀',
  'x'.repeat(20_000),
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '{{constructor.constructor("return process")()}}',
  ' ',
];
const hostileString = fc
  .tuple(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom(...TRICKS))
  .map(([text, trick]) => text + trick);
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, -0.5, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 10_000_001, 1e21, 4_294_967_296),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ max: -1 }),
  fc.bigInt({ min: 2n ** 64n }).map((n) => n.toString()),
);
const nested = (depth: number, array: boolean): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
};
const deepValue = fc
  .tuple(fc.integer({ min: 33, max: 3000 }), fc.boolean())
  .map(([depth, array]) => nested(depth, array));
const hostileValue = fc.oneof(
  hostileString,
  // In range but wrong: these reach the domain's rules (422) or the retry checks (409, 412).
  fc.integer({ min: 0, max: 5000 }),
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}, '', '1', '0x10', '1e3'),
  deepValue,
  fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 5 }),
  fc.dictionary(hostileString, fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
);

type Json = Record<string, unknown>;

/** Every path to a leaf or branch of a JSON object, e.g. ['contests', 0, 'electoralUnits', 0, 'seats']. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Json)[key as string], [...prefix, key]))];
}

function setAt(
  base: Json,
  path: (string | number)[],
  mutate: (parent: Json, key: string | number) => void,
): Json {
  const copy = structuredClone(base);
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) parent = parent[key as string] as Json;
  mutate(parent, path[path.length - 1]);
  return copy;
}

const POLLUTION = [
  '"__proto__": {"polluted": true, "role": "admin"}',
  '"constructor": {"prototype": {"polluted": true}}',
  '"prototype": {"polluted": true}',
  '"__proto__": []',
];

/** A raw JSON body: the valid base mutated once, or something that is not the base at all. */
function hostileBody(base: Json): fc.Arbitrary<string> {
  const all = paths(base).filter((path) => path.length > 0);
  const json = (value: unknown) => JSON.stringify(value);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...all), hostileValue)
        .map(([path, value]) =>
          json(setAt(base, path, (parent, key) => ((parent as Json)[key as string] = value))),
        ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...all).map((path) =>
        json(
          setAt(base, path, (parent, key) => {
            if (Array.isArray(parent)) parent.splice(key as number, 1);
            else delete parent[key as string];
          }),
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            ...paths(base).filter((p) => {
              let node: unknown = base;
              for (const key of p) node = (node as Json)[key as string];
              return typeof node === 'object' && node !== null && !Array.isArray(node);
            }),
          ),
          fc.oneof(hostileString, fc.string({ minLength: 1, maxLength: 8 })),
          hostileValue,
        )
        .map(([path, key, value]) => {
          const copy = structuredClone(base);
          let node: Json = copy;
          for (const k of path) node = node[k as string] as Json;
          node[key] = value;
          return json(copy);
        }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...POLLUTION), fc.boolean()).map(([pollution, nestedIn]) => {
        const text = json(base);
        if (!nestedIn || !text.includes('"candidateVotes":{')) return `{${pollution},${text.slice(1)}`;
        return text.replace('"candidateVotes":{', `"candidateVotes":{${pollution},`);
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 33, max: 20_000 }), fc.boolean())
        .map(([depth, array]) =>
          array
            ? `${'['.repeat(depth)}${']'.repeat(depth)}`
            : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
        ),
    },
    { weight: 1, arbitrary: fc.jsonValue().map(json) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/problem+json',
  'APPLICATION/JSON',
];
/** Header values an HTTP client can send (visible ASCII), some of them hostile. */
const headerText = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '?'));
const hostileHeaders = fc.record({
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    fc.constantFrom(...CONTENT_TYPES),
  ),
  ifMatch: fc.oneof(
    { weight: 6, arbitrary: fc.constant('"7"') },
    fc.constantFrom('"7"', 'W/"0"', '*', '"99999999999999999999"', '"-1"', '', '"0", "1"', '0'),
    headerText,
  ),
  authorization: fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    fc.constantFrom('Bearer', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
    headerText.map((s) => `Bearer ${s}`),
  ),
  requestId: fc.option(headerText),
});

let api: TestApi;
let adminToken: string;
let sheetBase: Json;

beforeAll(async () => {
  api = await startTestApi();
  adminToken = await api.tokenFor({ role: 'admin', sub: 'fuzz-admin' });
  expect((await api.call('POST', '/elections', smallElection(ELECTION))).status).toBe(201);
  sheetBase = naSheet();
  expect((await api.call('POST', `/elections/${ELECTION}/tallies`, sheetBase)).status).toBe(201);
  // Stored first, like the sheet: an in-range variation of it reuses its reportId (409) instead of appending.
  expect((await api.call('POST', `/elections/${ELECTION}/turnout`, turnoutBase)).status).toBe(201);
  // Annulled first, like the sheet: a variation of the body that is still valid meets UNIT.ALREADY_ANNULLED (409).
  const annulled = await api.call('POST', `/elections/${ELECTION}/contests/na/units/na-01/annulment`, {
    reason: annulmentReason,
  });
  expect(annulled.status).toBe(201);
});

const annulmentReason = 'Số phiếu thu vào nhiều hơn số phiếu phát ra';

const turnoutBase: Json = {
  reportId: '6f1c2a9e-3b7d-4c55-9a10-2f0e8b7d4c31',
  pollingAreaId: 'ba-dinh-0001',
  asOf: '2021-05-23T05:30:00.000Z',
  votersVoted: 600,
};
afterAll(() => api?.close());

function correctionBase(): Json {
  const { submissionId: _, pollingAreaId: __, contestId: ___, ...counts } = sheetBase;
  // Valid except that the If-Match it is sent with is stale ("7"): a body that slips through can still not append.
  return { ...counts, validBallots: 1218, invalidBallots: 20, reason: 'Biên bản ghi nhầm số phiếu hợp lệ' };
}

/**
 * Every kind of change in one amendment; valid except that the If-Match it is sent with is stale ("7"), so a body
 * that slips through the checks can still not append.
 */
function amendmentBase(): Json {
  return {
    reason: 'Nghị quyết của Hội đồng bầu cử quốc gia ngày 16/5/2021',
    changes: [
      { type: 'withdrawCandidate', contestId: 'hdnd-tp', candidateId: 'tp-02-2' },
      {
        type: 'addCandidate',
        contestId: 'hdnd-tp',
        unitId: 'tp-02',
        candidate: { candidateId: 'tp-02-3', name: 'Ngô Thị Lan', birthDate: '1981-01-01' },
      },
      {
        type: 'addPollingArea',
        pollingArea: {
          pollingAreaId: 'tay-ho-0003',
          districtId: 'tay-ho',
          registeredVoters: 700,
          name: 'KVBP 3',
        },
        units: [{ contestId: 'hdnd-tp', unitId: 'tp-02' }],
      },
      { type: 'removePollingArea', pollingAreaId: 'tay-ho-0002' },
      {
        type: 'movePollingArea',
        pollingAreaId: 'ba-dinh-0002',
        districtId: 'tay-ho',
        units: [{ contestId: 'hdnd-tp', unitId: 'tp-02' }],
      },
      { type: 'changeRegisteredVoters', pollingAreaId: 'tay-ho-0001', registeredVoters: 1010 },
      { type: 'changeSeats', contestId: 'hdnd-tp', unitId: 'tp-02', seats: 2 },
      { type: 'rename', target: 'unit', contestId: 'na', id: 'na-01', name: 'Đơn vị số 1 (mới)' },
    ],
  };
}

/** A follow-up round (addRound): a re-vote of unit tp-02 of the city council, with nested round and units. */
function roundAmendmentBase(): Json {
  return {
    reason: 'Nghị quyết của Ủy ban bầu cử thành phố: bầu cử lại tại đơn vị số 2',
    changes: [
      {
        type: 'addRound',
        contest: {
          contestId: 'hdnd-tp-lai',
          name: 'Bầu cử lại HĐND thành phố',
          pollingDate: '2021-06-06',
          round: { kind: 're-vote', of: 'hdnd-tp', units: ['tp-02'] },
          electoralUnits: [
            {
              unitId: 'tp-02',
              name: 'Đơn vị số 2',
              seats: 1,
              pollingAreaIds: ['tay-ho-0001', 'tay-ho-0002'],
              candidates: [
                { candidateId: 'tp-02-1', name: 'Vũ Thị Giang', birthDate: '1968-06-06' },
                { candidateId: 'tp-02-3', name: 'Lý Văn Khoa', birthDate: '1979-09-09' },
              ],
            },
          ],
        },
      },
    ],
  };
}

const WRITE_ENDPOINTS: [string, string, () => Json][] = [
  ['POST /elections', '/elections', () => smallElection(ELECTION)],
  ['POST amendments', `/elections/${ELECTION}/amendments`, amendmentBase],
  ['POST amendments (addRound)', `/elections/${ELECTION}/amendments`, roundAmendmentBase],
  ['POST tallies', `/elections/${ELECTION}/tallies`, () => sheetBase],
  ['POST corrections', `/elections/${ELECTION}/tallies/ba-dinh-0001/na/corrections`, correctionBase],
  ['POST turnout', `/elections/${ELECTION}/turnout`, () => turnoutBase],
  // The sheet counts: a body that survives the mutations meets 409 (nothing to resolve or review), never a 201.
  ['POST resolution', `/elections/${ELECTION}/tallies/ba-dinh-0001/na/resolution`, correctionBase],
  [
    'POST review',
    `/elections/${ELECTION}/tallies/ba-dinh-0001/na/review`,
    () => ({ decision: 'release', reason: 'Cử tri bổ sung trong ngày bầu cử' }),
  ],
  [
    'POST certification',
    `/elections/${ELECTION}/contests/na/units/na-01/certification`,
    () => ({ reason: 'Biên bản xác định kết quả' }),
  ],
  [
    'POST certification revocation',
    `/elections/${ELECTION}/contests/na/units/na-01/certification/revocation`,
    () => ({ reason: 'Khiếu nại về biên bản kiểm phiếu' }),
  ],
  [
    'POST annulment',
    `/elections/${ELECTION}/contests/na/units/na-01/annulment`,
    () => ({ reason: annulmentReason }),
  ],
];

describe('hostile input to every write endpoint', () => {
  it.each(WRITE_ENDPOINTS)('%s: no 5xx, problem+json, nothing stored', async (_, url, base) => {
    const store = api.app.get(EventStore);
    const before = (await store.readAll({ maxCount: 100_000 })).length;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileBody(base()), hostileHeaders, async (body, headers) => {
        const res = await api.app.inject({
          method: 'POST',
          url,
          payload: body,
          headers: {
            'content-type': headers.contentType,
            'if-match': headers.ifMatch,
            authorization: headers.authorization ?? `Bearer ${adminToken}`,
            ...(headers.requestId !== null ? { 'x-request-id': headers.requestId } : {}),
          },
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(res.body) as { code?: unknown; status?: unknown };
        expect(typeof problem.code).toBe('string');
        expect(problem.status).toBe(res.statusCode);
      }),
      { seed: SEED, numRuns: RUNS_PER_ENDPOINT, endOnFailure: true },
    );
    expect((await store.readAll({ maxCount: 100_000 })).length).toBe(before);
    // Nothing leaked into Object.prototype through a __proto__ key.
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // The run reached the rules, not only the parser: several kinds of refusal were seen.
    expect([...statuses.keys()].length).toBeGreaterThanOrEqual(4);
  });
});

describe('keys every object inherits', () => {
  it.each(['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'])(
    'a "%s" field is refused like any unknown field, and nothing is stored',
    async (key) => {
      const store = api.app.get(EventStore);
      const before = await store.headPosition();
      // A fresh polling area: without the check the sheet would be accepted and stored with the extra field.
      const valid = naSheet({
        submissionId: randomUUID(),
        pollingAreaId: 'tay-ho-0002',
        registeredVoters: 800,
        votersVoted: 780,
        ballotsIssued: 780,
        ballotsReceived: 780,
        validBallots: 770,
        invalidBallots: 10,
        candidateVotes: { 'na-01-1': 500, 'na-01-2': 400, 'na-01-3': 300 },
      });
      const sheet = { ...valid, [key]: 'x' };
      const res = await api.call('POST', `/elections/${ELECTION}/tallies`, sheet);
      expect([res.status, res.body.code]).toEqual([400, 'REQUEST.INVALID']);
      expect(await store.headPosition()).toBe(before);
    },
  );
});

const MAGIC: Record<string, number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
};
const SCAN_TYPES = [
  ...Object.keys(MAGIC),
  'IMAGE/PNG',
  'image/png; charset=binary',
  'image/gif',
  'application/octet-stream',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
];

describe('hostile uploads to PUT …/scan', () => {
  it('no 5xx, problem+json for every refusal, and only an accepted upload appends (one event)', async () => {
    const store = api.app.get(EventStore);
    const before = await store.headPosition();
    let accepted = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SCAN_TYPES),
        fc.oneof(fc.constant('none'), fc.constantFrom(...Object.keys(MAGIC))),
        fc.uint8Array({ maxLength: 4096 }),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant('ba-dinh-0001/na') },
          fc.constantFrom(
            'tay-ho-0002/na',
            'ba-dinh-0999/na',
            'ba-dinh-0001/senate',
            'BA-DINH/na',
            '%E2%80%AE/na',
          ),
        ),
        hostileHeaders,
        async (contentType, prefix, random, where, headers) => {
          const body = Buffer.concat([
            Buffer.from(prefix === 'none' ? [] : MAGIC[prefix]),
            Buffer.from(random),
          ]);
          const res = await api.app.inject({
            method: 'PUT',
            url: `/elections/${ELECTION}/tallies/${where}/scan`,
            payload: body,
            headers: {
              ...(contentType ? { 'content-type': contentType } : {}),
              authorization: headers.authorization ?? `Bearer ${adminToken}`,
              ...(headers.requestId !== null ? { 'x-request-id': headers.requestId } : {}),
            },
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode === 201) {
            accepted += 1;
            // Only bytes that are what they claim to be are accepted.
            expect(MAGIC[contentType.split(';')[0].trim().toLowerCase()]).toEqual(MAGIC[prefix]);
          } else if (res.statusCode !== 200) {
            expect(res.statusCode).toBeGreaterThanOrEqual(400);
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
            expect(typeof JSON.parse(res.body).code).toBe('string');
          }
        },
      ),
      { seed: SEED, numRuns: 400, endOnFailure: true },
    );
    expect(await store.headPosition()).toBe(before + accepted);
    expect([...statuses.keys()].length).toBeGreaterThanOrEqual(4);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('hostile reads of the live stream', () => {
  // HEAD: the stream's checks (election, contest, Last-Event-ID) run as for GET, and no stream is held open.
  it('HEAD /elections/:e/live with hostile ?contest=, ?lastEventId= and Last-Event-ID: no 5xx, problem+json', async () => {
    const store = api.app.get(EventStore);
    const before = await store.headPosition();
    const value = fc.oneof(
      fc.constantFrom('na', 'hdnd-tp', 'NA', 'na ', '-1', '0', '1e3', '99999999999999999', ''),
      hostileString,
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom('contest', 'lastEventId', '__proto__'), value), { maxLength: 3 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeWhole(v)}`).join('&'));
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: fc.constant(ELECTION) }, hostileString.map(encodeWhole)),
        query,
        fc.option(value, { nil: undefined }),
        async (e, q, lastEventId) => {
          const res = await api.app.inject({
            method: 'HEAD',
            url: `/elections/${e}/live?${q}`,
            headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId.replace(/[\r\n]/g, '') },
          });
          seen.add(res.statusCode);
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400)
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          else expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        },
      ),
      { seed: SEED, numRuns: 200, endOnFailure: true },
    );
    expect(await store.headPosition()).toBe(before);
    expect([...seen].sort()).toEqual(expect.arrayContaining([200, 400, 404]));
  });
});

/** Percent-encoded whole (lone surrogates replaced first): a cut or malformed escape is the router's business. */
const encodeWhole = (s: string) =>
  encodeURIComponent((s as unknown as { toWellFormed(): string }).toWellFormed());

describe('hostile reads of the open-data, scan and checkpoint endpoints', () => {
  const paths = [
    (e: string, q: string) => `/elections/${e}/results/polling-areas.csv?${q}`,
    (e: string, q: string) => `/elections/${e}/results/polling-areas.json?${q}`,
    (e: string, q: string) => `/elections/${e}/results/cdf.json?${q}`,
    (e: string, q: string) => `/elections/${e}/audit/checkpoint?${q}`,
    (e: string, q: string) => `/elections/${e}/audit/public-key?${q}`,
    (e: string, q: string) => `/elections/${e}/tallies/ba-dinh-0001/na/scan?${q}`,
    (e: string, q: string) => `/elections/${e}/tallies/ba-dinh-0001/na/scans?${q}`,
  ];
  const election = fc.oneof(
    { weight: 4, arbitrary: fc.constant(ELECTION) },
    // Longer than 100 characters too: Fastify's router limit answers 414 REQUEST.URI_TOO_LONG, problem+json as well.
    hostileString.map(encodeWhole),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom(
      'minPosition=-2',
      'minPosition=1e3',
      'minPosition=99999999999',
      'digest=XYZ',
      `digest=${'a'.repeat(64)}`,
    ),
    fc
      .tuple(fc.constantFrom('minPosition', 'digest', 'atPosition', '__proto__'), hostileString)
      .map(([k, v]) => `${k}=${encodeWhole(v)}`),
  );

  it.each(paths.map((path, i) => [path(':e', ''), path, i] as const))(
    '%s: no 5xx, problem+json',
    async (_n, path) => {
      const store = api.app.get(EventStore);
      const before = await store.headPosition();
      await fc.assert(
        fc.asyncProperty(election, query, hostileHeaders, async (e, q, headers) => {
          const res = await api.app.inject({
            method: 'GET',
            url: path(e, q),
            headers: {
              authorization: headers.authorization ?? `Bearer ${adminToken}`,
              'if-none-match': headers.ifMatch,
            },
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400)
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }),
        { seed: SEED, numRuns: 150, endOnFailure: true },
      );
      expect(await store.headPosition()).toBe(before);
    },
  );
});

/**
 * The same promise for what the HTTP layer itself refuses: long paths, long path parameters, long query strings,
 * long and many headers, bad percent-encoding, malformed requests. Sent as raw bytes over real sockets, because an
 * HTTP client refuses to send most of them, and Node's own parser answers some (431) before Fastify sees them.
 */
describe('hostile requests on the wire', () => {
  const WIRE_RUNS = 500;
  let port: number;
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.getHttpServer().address() as { port: number }).port;
    const document = (await api.call('GET', '/docs-json')).body as { paths: Record<string, object> };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
    routes.push({ method: 'GET', path: '/' }, { method: 'GET', path: '/js/main.js' });
    expect(routes.length).toBeGreaterThan(10);
  });

  const VALID_PARAMS: Record<string, string> = {
    electionId: ELECTION,
    pollingAreaId: 'ba-dinh-0001',
    contestId: 'na',
    districtId: 'ba-dinh',
  };
  const idChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-');
  const longText = (min: number, max: number) => fc.string({ unit: idChars, minLength: min, maxLength: max });
  const paramValue = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) }, // the valid value
    { weight: 3, arbitrary: longText(101, 6000) }, // past Fastify's 100-character parameter limit
    { weight: 1, arbitrary: longText(90, 100) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%E0%A4%A',
        '%',
        '%zz',
        '%00',
        '%C0%AF',
        '..%2F..%2Fetc',
        '%F0%9F%98',
        'a%ZZb',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...TRICKS.slice(0, 12))
        .map((t) => [...Buffer.from(t)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
    },
  );
  const headerLine = fc
    .tuple(longText(1, 20), fc.string({ maxLength: 40 }))
    .map(([name, value]) => `x-${name}: ${value.replace(/[^\x20-\x7e]/g, '?')}`);
  const wireRequest = fc.record({
    route: fc.nat(),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) }, // the route's own method
      fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'TRACE'),
    ),
    params: fc.array(paramValue, { minLength: 3, maxLength: 3 }),
    // Long paths: extra segments after the route, up to well past 16 KiB.
    extraPath: fc.oneof(
      { weight: 4, arbitrary: fc.constant('') },
      fc.tuple(fc.integer({ min: 1, max: 6000 }), longText(1, 8)).map(([n, s]) => `/${s}`.repeat(n)),
      longText(1000, 30_000).map((s) => `/${s}`),
    ),
    query: fc.oneof(
      { weight: 4, arbitrary: fc.constant('') },
      longText(100, 40_000).map((s) => `?q=${s}`),
      fc
        .integer({ min: 1, max: 3000 })
        .map((n) => `?${Array.from({ length: n }, (_, i) => `k${i}=v`).join('&')}`),
      fc.constantFrom('?%', '?a=%E0%A4%A', '?minPosition=1e999', '?lastEventId=-2', '?at=%00'),
    ),
    headers: fc.oneof(
      { weight: 4, arbitrary: fc.constant([] as string[]) },
      longText(100, 40_000).map((s) => [`x-long: ${s}`]),
      fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `x-h${i}: v`)),
      fc.array(headerLine, { maxLength: 20 }),
      fc.constantFrom(
        ['expect: tea'],
        ['expect: 100-continue'],
        ['bad header: x'],
        ['x-bad: a\u0001b'],
        ['transfer-encoding: chunked', 'content-length: 2'],
        ['content-length: -1'],
        ['content-length: 99999999999999999999'],
        ['x-request-id: ' + 'r'.repeat(5000)],
        ['authorization: Bearer ' + 'e'.repeat(20_000)],
      ),
    ),
    host: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
    requestLine: fc.oneof(
      { weight: 19, arbitrary: fc.constant(undefined) },
      fc.constantFrom('HELLO', 'GET /health HTTP/9.9', 'GET  HTTP/1.1', 'PRI * HTTP/2.0', '\u0000\u0001'),
    ),
  });

  function build(request: typeof wireRequest extends fc.Arbitrary<infer T> ? T : never): {
    text: string;
    method: string;
  } {
    const route = routes[request.route % routes.length];
    let index = 0;
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = request.params[index++ % 3];
      return value ?? VALID_PARAMS[name] ?? 'x';
    });
    const method = request.method ?? route.method;
    const body = method === 'POST' ? '{}' : '';
    const lines = [
      request.requestLine ?? `${method} ${path}${request.extraPath}${request.query} HTTP/1.1`,
      ...(request.host ? ['host: 127.0.0.1'] : []),
      `authorization: Bearer ${adminToken}`,
      'connection: close',
      ...(body ? ['content-type: application/json', `content-length: ${body.length}`] : []),
      ...request.headers,
    ];
    return { text: `${lines.join('\r\n')}\r\n\r\n${body}`, method };
  }

  it('no 5xx, every refusal is problem+json, nothing stored', async () => {
    const store = api.app.get(EventStore);
    const before = await store.headPosition();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(wireRequest, async (request) => {
        const { text, method } = build(request);
        const res = await rawRequest(port, text);
        expect(res).not.toBeNull();
        statuses.set(res!.status, (statuses.get(res!.status) ?? 0) + 1);
        expect(res!.status).toBeLessThan(500);
        if (res!.status < 400) return;
        expect(res!.headers['content-type']).toMatch(/^application\/problem\+json/);
        if (method === 'HEAD' && request.requestLine === undefined && res!.body === '') return;
        const problem = JSON.parse(res!.body) as { code?: unknown; status?: unknown };
        expect(typeof problem.code).toBe('string');
        expect(problem.code).not.toMatch(/^(HTTP|FST)/);
        expect(problem.status).toBe(res!.status);
      }),
      { seed: SEED, numRuns: WIRE_RUNS, endOnFailure: true },
    );
    expect(await store.headPosition()).toBe(before);
    // The run reached the layers it is about: Fastify's limits, Node's parser, the routes behind them.
    for (const status of [400, 404, 414, 431]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  });

  it.each([
    [
      'a path parameter over 100 characters',
      `GET /elections/${'e'.repeat(101)} HTTP/1.1`,
      [],
      414,
      'REQUEST.URI_TOO_LONG',
    ],
    ['a bad percent-encoding', 'GET /elections/%E0%A4%A HTTP/1.1', [], 400, 'REQUEST.INVALID'],
    [
      'a request line past 16 KiB',
      `GET /elections?q=${'q'.repeat(20_000)} HTTP/1.1`,
      [],
      431,
      'REQUEST.HEADERS_TOO_LARGE',
    ],
    [
      'a header past 16 KiB',
      'GET /health HTTP/1.1',
      [`x-long: ${'h'.repeat(20_000)}`],
      431,
      'REQUEST.HEADERS_TOO_LARGE',
    ],
    [
      '3,000 headers',
      'GET /health HTTP/1.1',
      Array.from({ length: 3000 }, (_, i) => `x-h${i}: v`),
      431,
      'REQUEST.HEADERS_TOO_LARGE',
    ],
    ['a malformed request line', 'HELLO', [], 400, 'REQUEST.MALFORMED_HTTP'],
    ['a header name with a space', 'GET /health HTTP/1.1', ['bad header: x'], 400, 'REQUEST.MALFORMED_HTTP'],
    [
      'Transfer-Encoding with Content-Length',
      'POST /elections HTTP/1.1',
      ['transfer-encoding: chunked', 'content-length: 2'],
      400,
      'REQUEST.MALFORMED_HTTP',
    ],
    ['no Host header', 'GET /health HTTP/1.1', ['!no-host'], 400, 'REQUEST.INVALID'],
    [
      'an expectation other than 100-continue',
      'GET /health HTTP/1.1',
      ['expect: tea'],
      417,
      'REQUEST.EXPECTATION_FAILED',
    ],
    ['an unknown method', 'PROPFIND /elections HTTP/1.1', [], 404, 'ROUTE.NOT_FOUND'],
  ])('%s', async (_, requestLine, headers, status, code) => {
    const host = headers.includes('!no-host') ? [] : ['host: 127.0.0.1'];
    const lines = [requestLine, ...host, 'connection: close', ...headers.filter((h) => h !== '!no-host')];
    const res = await rawRequest(port, `${lines.join('\r\n')}\r\n\r\n`);
    expect(res).not.toBeNull();
    expect(res!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res!.body)).toMatchObject({ status, code, type: `urn:tally-ledger:problem:${code}` });
    expect(res!.status).toBe(status);
  });
});
