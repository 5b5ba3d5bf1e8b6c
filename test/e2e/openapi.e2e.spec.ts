import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { AddressInfo } from 'node:net';
import { startTestApi, TestApi } from '../support/api';
import {
  naSheet,
  scanFiles,
  secondBaDinhNaSheet,
  sheetOf as sheetFor,
  smallElection,
  uuidFor,
} from '../support/fixtures';
import { SseClient } from '../support/sse-client';

/*
 * The OpenAPI document is a contract a client is generated from: every 2xx answer of every operation documents its
 * schema, and the real answers match the schema their operation documents (field for field: an undocumented field
 * fails as well as a missing one).
 */

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** RFC 9457 lets a problem carry extension members (currentRevision, electionId, ...): it stays open. */
const OPEN_SCHEMAS = new Set(['ProblemDetails']);
const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';

let api: TestApi;
let base: string;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Json } };
let components: Json;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
/** "METHOD path status" of every 2xx answer checked against its schema, to see that none was left out. */
const checked = new Set<string>();

function operations(): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ ...item[m], method: m.toUpperCase(), path })),
  );
}

const isSuccess = (status: string) => /^2\d\d$/.test(status);
const hasSchema = (schema: Json | undefined) =>
  !!schema && ['$ref', 'type', 'oneOf', 'anyOf', 'allOf'].some((k) => k in schema);

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable` becomes "or null" (also around an allOf of a $ref, as
 * generators read it), and an object that lists its properties and says nothing else admits no other property.
 */
function toJsonSchema(node: unknown, open = false): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n));
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, example: _example, ...rest } = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(rest)) {
    out[key] =
      key === 'properties' || key === 'schemas'
        ? Object.fromEntries(
            Object.entries(value as Json).map(([name, s]) => [
              name,
              toJsonSchema(s, key === 'schemas' && OPEN_SCHEMAS.has(name)),
            ]),
          )
        : toJsonSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined && !open) out.additionalProperties = false;
  return nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

function documentedSchema(method: string, path: string, status: number, mediaType: string): Json {
  const response = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
  if (!response) throw new Error(`${method} ${path} documents no ${status} response`);
  const schema = response.content?.[mediaType]?.schema;
  if (!hasSchema(schema)) throw new Error(`${method} ${path} ${status} documents no ${mediaType} schema`);
  return schema!;
}

/** The real answer `body` of `METHOD path` (a path of the document, e.g. /elections/{electionId}) matches its schema. */
function expectDocumented(
  method: string,
  path: string,
  status: number,
  body: unknown,
  mediaType = status >= 400 ? PROBLEM_TYPE : JSON_TYPE,
): void {
  const key = `${method} ${path} ${status} ${mediaType}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = toJsonSchema(documentedSchema(method, path, status, mediaType)) as Json;
    validate = ajv.compile({ ...schema, components });
    validators.set(key, validate);
  }
  validate(body);
  const errors = (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
  );
  expect({ answer: `${method} ${path} ${status}`, errors }).toEqual({
    answer: `${method} ${path} ${status}`,
    errors: [],
  });
  if (status < 300) checked.add(`${method} ${path} ${status}`);
}

/** A non-JSON answer (a file, CSV): its media type is one the operation documents, and the body fits its schema. */
function expectDocumentedMedia(
  method: string,
  path: string,
  status: number,
  contentType: unknown,
  body: string,
): void {
  const mediaType = String(contentType).split(';')[0].trim();
  const documented = Object.keys(
    doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content ?? {},
  );
  expect([path, mediaType, documented]).toEqual([path, mediaType, expect.arrayContaining([mediaType])]);
  expectDocumented(method, path, status, body, mediaType);
}

async function call(
  method: 'GET' | 'POST',
  url: string,
  status: number,
  payload?: unknown,
  headers?: Record<string, string>,
) {
  const res = await api.call(method, url, payload, headers);
  expect([method, url, res.status]).toEqual([method, url, status]);
  return res;
}

let e: string;
let electionId: string;

beforeAll(async () => {
  api = await startTestApi({ LIVE_HEARTBEAT_MS: '1000', LIVE_POLL_MS: '20' });
  await api.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  doc = (await call('GET', '/docs-json', 200)).body;
  components = (toJsonSchema({ schemas: doc.components.schemas }) as Json) ?? {};
  electionId = smallElection().electionId;
  e = `/elections/${electionId}`;
});
afterAll(async () => {
  await api.close();
});

describe('the OpenAPI document', () => {
  it('gives every 2xx response of every operation a schema for each media type it names', () => {
    const lacking = operations().flatMap(({ method, path, responses }) =>
      Object.entries(responses)
        .filter(([status]) => isSuccess(status))
        .flatMap(([status, response]) => {
          const content = Object.entries(response.content ?? {});
          if (content.length === 0) return [`${method} ${path} ${status}: no content`];
          return content
            .filter(([, media]) => !hasSchema(media.schema))
            .map(([type]) => `${method} ${path} ${status}: no ${type} schema`);
        }),
    );
    expect(lacking).toEqual([]);
    expect(operations().length).toBeGreaterThanOrEqual(15);
  });

  it('documents every error response with a schema: problem+json as the shared ProblemDetails', () => {
    const wrong = operations().flatMap(({ method, path, responses }) =>
      Object.entries(responses)
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .flatMap(([status, response]) => {
          const content = response.content ?? {};
          const problem = content[PROBLEM_TYPE]?.schema;
          if (problem) {
            return problem.$ref === '#/components/schemas/ProblemDetails'
              ? []
              : [`${method} ${path} ${status}: problem+json is not ProblemDetails`];
          }
          // Only the health check answers an error status with its own JSON body (503: what is down).
          const own = content[JSON_TYPE]?.schema;
          return path === '/health' && hasSchema(own) ? [] : [`${method} ${path} ${status}: no problem+json`];
        }),
    );
    expect(wrong).toEqual([]);
  });

  it('documents on every operation the answers any request can get: 429 (rate limit) and 500', () => {
    const missing = operations().flatMap(({ method, path, responses }) =>
      ['429', '500'].filter((s) => !responses[s]).map((s) => `${method} ${path} ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('compiles every component schema (no dangling $ref)', () => {
    const names = Object.keys(doc.components.schemas);
    expect(names).toContain('ProblemDetails');
    for (const name of names) {
      expect(() => ajv.compile({ $ref: `#/components/schemas/${name}`, components })).not.toThrow();
    }
  });
});

describe('real answers match the schema their operation documents', () => {
  const sheetOf = (sheet: ReturnType<typeof naSheet>) => {
    const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = sheet;
    return counts;
  };
  let submitted: { position: number };

  it('POST /elections 201, GET /elections and GET /elections/{electionId} 200', async () => {
    const defined = await call('POST', '/elections', 201, smallElection(electionId));
    expectDocumented('POST', '/elections', 201, defined.body);
    expectDocumented('GET', '/elections/{electionId}', 200, (await call('GET', e, 200)).body);
    const list = await call('GET', `/elections?minPosition=${defined.body.position}`, 200);
    expectDocumented('GET', '/elections', 200, list.body);
  });

  it('POST …/tallies 201 (a new sheet and a retry), GET the sheet, correct it, read its history', async () => {
    const sheet = naSheet({ invalidBallots: 18 });
    const first = await call('POST', `${e}/tallies`, 201, sheet);
    expectDocumented('POST', '/elections/{electionId}/tallies', 201, first.body);
    expect(first.body.anomalies.length).toBeGreaterThanOrEqual(0);
    const retry = await call('POST', `${e}/tallies`, 201, sheet);
    expectDocumented('POST', '/elections/{electionId}/tallies', 201, retry.body);
    expect(retry.body.replayed).toBe(true);
    // A sheet with a soft anomaly, so `anomalies` holds an item to check.
    const odd = await call(
      'POST',
      `${e}/tallies`,
      201,
      naSheet({
        contestId: 'hdnd-tp',
        ballotsIssued: 1240,
        candidateVotes: { 'tp-01-1': 700, 'tp-01-2': 520 },
      }),
    );
    expect(odd.body.anomalies.length).toBeGreaterThan(0);
    expectDocumented('POST', '/elections/{electionId}/tallies', 201, odd.body);
    submitted = (await call('POST', `${e}/tallies`, 201, secondBaDinhNaSheet())).body;

    const sheetPath = '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}';
    expectDocumented('GET', sheetPath, 200, (await call('GET', `${e}/tallies/ba-dinh-0001/na`, 200)).body);
    const corrected = await call(
      'POST',
      `${e}/tallies/ba-dinh-0001/na/corrections`,
      201,
      {
        ...sheetOf(sheet),
        validBallots: 1210,
        invalidBallots: 28,
        reason: 'Biên bản ghi nhầm số phiếu hợp lệ',
      },
      { 'if-match': '"0"' },
    );
    expectDocumented('POST', `${sheetPath}/corrections`, 201, corrected.body);
    expectDocumented('GET', sheetPath, 200, (await call('GET', `${e}/tallies/ba-dinh-0001/na`, 200)).body);
    const history = await call('GET', `${e}/tallies/ba-dinh-0001/na/history`, 200);
    expect(history.body.events.map((h: { reason: string | null }) => h.reason === null)).toEqual([
      true,
      false,
    ]);
    expectDocumented('GET', `${sheetPath}/history`, 200, history.body);
    submitted = corrected.body;
  });

  it('POST and GET …/turnout', async () => {
    const report = {
      reportId: uuidFor(`${electionId}.turnout`),
      pollingAreaId: 'ba-dinh-0001',
      asOf: '2021-05-23T12:30:00+07:00',
      votersVoted: 700,
    };
    const reported = await call('POST', `${e}/turnout`, 201, report);
    expectDocumented('POST', '/elections/{electionId}/turnout', 201, reported.body);
    const turnout = await call('GET', `${e}/turnout?minPosition=${reported.body.position}`, 200);
    expectDocumented('GET', '/elections/{electionId}/turnout', 200, turnout.body);
    submitted = reported.body;
  });

  it('GET results: districts, one district, the city; live and by time travel', async () => {
    const at = `minPosition=${submitted.position}`;
    const results = '/elections/{electionId}/results';
    for (const query of [at, 'atPosition=' + submitted.position, `asOf=${new Date().toISOString()}`]) {
      const city = await call('GET', `${e}/results/city?${query}`, 200);
      expect(city.body.contests[0].units[0].candidates.length).toBeGreaterThan(0);
      expectDocumented('GET', `${results}/city`, 200, city.body);
      const districts = await call('GET', `${e}/results/districts?${query}`, 200);
      expectDocumented('GET', `${results}/districts`, 200, districts.body);
      const district = await call('GET', `${e}/results/districts/ba-dinh?${query}`, 200);
      expect(district.body.contests[0].candidates.length).toBeGreaterThan(0);
      expectDocumented('GET', `${results}/districts/{districtId}`, 200, district.body);
    }
  });

  it('GET …/audit, …/audit/checkpoint and …/audit/export (NDJSON, one schema per line)', async () => {
    const audit = await call('GET', `${e}/audit?minPosition=${submitted.position}&limit=3`, 200);
    expect(audit.body.nextCursor).not.toBeNull();
    expectDocumented('GET', '/elections/{electionId}/audit', 200, audit.body);
    const checkpoint = await call('GET', `${e}/audit/checkpoint?minPosition=${submitted.position}`, 200);
    expectDocumented('GET', '/elections/{electionId}/audit/checkpoint', 200, checkpoint.body);
    const exported = await call('GET', `${e}/audit/export`, 200);
    const lines = String(exported.body).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expectDocumented(
        'GET',
        '/elections/{electionId}/audit/export',
        200,
        JSON.parse(line),
        'application/x-ndjson',
      );
    }
  });

  it('GET /health 200', async () => {
    expectDocumented('GET', '/health', 200, (await call('GET', '/health', 200)).body);
  });

  it('GET …/live: the snapshot and an update are messages of the documented event-stream schema', async () => {
    const live = await SseClient.connect(`${base}${e}/live`);
    try {
      expect(live.status).toBe(200);
      const snapshot = await live.waitFor((m) => m.event === 'snapshot');
      expect(snapshot.data.corrections.length).toBeGreaterThan(0);
      expect(snapshot.data.timeline.length).toBeGreaterThan(0);
      const asMessage = ({ id, event, data }: { id?: string; event: string; data: unknown }) => ({
        id,
        event,
        data,
      });
      expectDocumented('GET', '/elections/{electionId}/live', 200, asMessage(snapshot), 'text/event-stream');

      const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = secondBaDinhNaSheet();
      await call(
        'POST',
        `${e}/tallies/ba-dinh-0002/na/corrections`,
        201,
        {
          ...counts,
          candidateVotes: { 'na-01-1': 300, 'na-01-2': 500, 'na-01-3': 600 },
          reason: 'Nhập nhầm hai ô',
        },
        { 'if-match': '"0"' },
      );
      await call('POST', `${e}/turnout`, 201, {
        reportId: uuidFor(`${electionId}.turnout.2`),
        pollingAreaId: 'ba-dinh-0002',
        asOf: '2021-05-23T12:30:00+07:00',
        votersVoted: 400,
      });
      const withCorrection = await live.waitFor((m) => m.event === 'update' && m.data.corrections.length > 0);
      expectDocumented(
        'GET',
        '/elections/{electionId}/live',
        200,
        asMessage(withCorrection),
        'text/event-stream',
      );
      const withTurnout = await live.waitFor((m) => m.event === 'update' && m.data.turnout !== undefined);
      expectDocumented(
        'GET',
        '/elections/{electionId}/live',
        200,
        asMessage(withTurnout),
        'text/event-stream',
      );
    } finally {
      live.close();
    }
  });

  it('refusals are ProblemDetails: 400, 401, 403, 404, 409, 412, 422, 428', async () => {
    const tallies = '/elections/{electionId}/tallies';
    const correction = '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/corrections';
    const cases: Array<[number, string, string, unknown, Record<string, string>?]> = [
      [400, tallies, `${e}/tallies`, { ...naSheet(), votersVoted: -1 }],
      [401, tallies, `${e}/tallies`, naSheet(), { authorization: '' }],
      [
        403,
        tallies,
        `${e}/tallies`,
        naSheet(),
        { authorization: `Bearer ${await api.tokenFor({ role: 'auditor' })}` },
      ],
      [404, tallies, '/elections/nope/tallies', naSheet()],
      [409, tallies, `${e}/tallies`, naSheet()],
      [422, tallies, `${e}/tallies`, naSheet({ pollingAreaId: 'tay-ho-0001', validBallots: 1 })],
      [
        412,
        correction,
        `${e}/tallies/ba-dinh-0001/na/corrections`,
        { ...sheetOf(naSheet()), reason: 'Một lý do đủ dài' },
        { 'if-match': '"0"' },
      ],
      [
        428,
        correction,
        `${e}/tallies/ba-dinh-0001/na/corrections`,
        { ...sheetOf(naSheet()), reason: 'Một lý do đủ dài' },
      ],
    ];
    for (const [status, path, url, body, headers] of cases) {
      const res = await call('POST', url, status, body, headers);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectDocumented('POST', path, status, res.body);
    }
  });

  it('GET results of a unit with a follow-up round: its rounds and the combined outcome', async () => {
    const id = smallElection().electionId;
    await call('POST', '/elections', 201, smallElection(id));
    const unit = smallElection(id).contests[1].electoralUnits[1];
    const round = {
      contestId: 'hdnd-tp-lai',
      name: 'Bầu cử lại',
      pollingDate: '2021-06-06',
      round: { kind: 're-vote', of: 'hdnd-tp', units: [unit.unitId] },
      electoralUnits: [unit],
    };
    await call(
      'POST',
      `/elections/${id}/amendments`,
      201,
      { reason: 'Nghị quyết: bầu cử lại tại đơn vị số 2', changes: [{ type: 'addRound', contest: round }] },
      { 'if-match': '"0"' },
    );
    const sheet = await call('POST', `/elections/${id}/tallies`, 201, {
      submissionId: uuidFor(`${id}.round`),
      pollingAreaId: 'tay-ho-0001',
      contestId: 'hdnd-tp-lai',
      registeredVoters: 1000,
      votersVoted: 900,
      ballotsIssued: 900,
      ballotsReceived: 900,
      validBallots: 900,
      invalidBallots: 0,
      candidateVotes: { 'tp-02-1': 600, 'tp-02-2': 300 },
    });
    const at = `minPosition=${sheet.body.position}`;
    const city = await call('GET', `/elections/${id}/results/city?${at}`, 200);
    expect(city.body.contests[1].units[1].rounds).toHaveLength(1);
    expectDocumented('GET', '/elections/{electionId}/results/city', 200, city.body);
    const district = await call('GET', `/elections/${id}/results/districts/tay-ho?${at}`, 200);
    expectDocumented('GET', '/elections/{electionId}/results/districts/{districtId}', 200, district.body);
  });

  it('POST …/units/{u}/certification and …/certification/revocation 201; results show the certification', async () => {
    const id = smallElection().electionId;
    await call('POST', '/elections', 201, smallElection(id));
    for (const pa of ['ba-dinh-0001', 'ba-dinh-0002'])
      await call('POST', `/elections/${id}/tallies`, 201, sheetFor(pa, 'hdnd-tp'));
    const unitPath = '/elections/{electionId}/contests/{contestId}/units/{unitId}';
    const unit = `/elections/${id}/contests/hdnd-tp/units/tp-01`;
    const certified = await call('POST', `${unit}/certification`, 201, {
      reason: 'Biên bản xác định kết quả',
    });
    expectDocumented('POST', `${unitPath}/certification`, 201, certified.body);
    const at = `minPosition=${certified.body.position}`;
    const city = await call('GET', `/elections/${id}/results/city?${at}`, 200);
    expect(city.body.contests[1].units[0].certified).toEqual(
      expect.objectContaining({ position: certified.body.position }),
    );
    expectDocumented('GET', '/elections/{electionId}/results/city', 200, city.body);
    const district = await call('GET', `/elections/${id}/results/districts/ba-dinh?${at}`, 200);
    expectDocumented('GET', '/elections/{electionId}/results/districts/{districtId}', 200, district.body);
    const revoked = await call('POST', `${unit}/certification/revocation`, 201, {
      reason: 'Khiếu nại về biên bản kiểm phiếu',
    });
    expectDocumented('POST', `${unitPath}/certification/revocation`, 201, revoked.body);
  });

  it('double entry and review: the entries, the resolution, the review list and decision, the sheet and its history', async () => {
    const id = smallElection().electionId;
    await call('POST', '/elections', 201, { ...smallElection(id), verification: { doubleEntry: true } });
    const as = async (sub: string) => ({
      authorization: `Bearer ${await api.tokenFor({ role: 'submitter', districts: ['ba-dinh'], sub })}`,
    });
    const tallies = '/elections/{electionId}/tallies';
    const sheetPath = `${tallies}/{pollingAreaId}/{contestId}`;
    const first = sheetFor('ba-dinh-0001', 'na');
    const entered = await call('POST', `/elections/${id}/tallies`, 201, first, await as('official-1'));
    expect(entered.body.status).toBe('awaiting-second-entry');
    expectDocumented('POST', tallies, 201, entered.body);
    const differing = { ...sheetFor('ba-dinh-0001', 'na', 2) };
    const second = await call('POST', `/elections/${id}/tallies`, 201, differing, await as('official-2'));
    expect(second.body).toMatchObject({ status: 'discrepancy', standing: 'discrepancy' });
    expectDocumented('POST', tallies, 201, second.body);
    const sheet = await call('GET', `/elections/${id}/tallies/ba-dinh-0001/na`, 200);
    expect(sheet.body.discrepancies.length).toBeGreaterThan(0);
    expectDocumented('GET', sheetPath, 200, sheet.body);
    const list = await call('GET', `/elections/${id}/review?minPosition=${second.body.position}`, 200);
    expect(list.body.sheets).toEqual([expect.objectContaining({ standing: 'discrepancy' })]);
    expectDocumented('GET', '/elections/{electionId}/review', 200, list.body);
    const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = first;
    const resolved = await call(
      'POST',
      `/elections/${id}/tallies/ba-dinh-0001/na/resolution`,
      201,
      { ...counts, reason: 'Đối chiếu biên bản giấy' },
      { 'if-match': '"1"' },
    );
    expect(resolved.body).toMatchObject({ status: 'resolved', standing: 'counted' });
    expectDocumented('POST', `${sheetPath}/resolution`, 201, resolved.body);

    // ba-dinh-0002 lists 900 voters: 950 voted is held for review (after both entries agree).
    const over = {
      ...sheetFor('ba-dinh-0002', 'na'),
      registeredVoters: 960,
      votersVoted: 950,
      ballotsIssued: 950,
    };
    await call('POST', `/elections/${id}/tallies`, 201, over, await as('official-1'));
    const held = await call(
      'POST',
      `/elections/${id}/tallies`,
      201,
      { ...over, submissionId: uuidFor(`${id}.held`) },
      await as('official-2'),
    );
    expect(held.body).toMatchObject({ status: 'held', standing: 'held' });
    const reviewed = await call(
      'POST',
      `/elections/${id}/tallies/ba-dinh-0002/na/review`,
      201,
      { decision: 'release', reason: 'Cử tri bổ sung trong ngày bầu cử' },
      { 'if-match': '"1"' },
    );
    expect(reviewed.body).toMatchObject({ status: 'released', standing: 'counted' });
    expectDocumented('POST', `${sheetPath}/review`, 201, reviewed.body);
    const history = await call('GET', `/elections/${id}/tallies/ba-dinh-0002/na/history`, 200);
    expect(history.body.events.map((x: { standing: string }) => x.standing)).toEqual([
      'awaiting-second-entry',
      'held',
      'counted',
    ]);
    expectDocumented('GET', `${sheetPath}/history`, 200, history.body);
    const city = await call(
      'GET',
      `/elections/${id}/results/city?minPosition=${reviewed.body.position}`,
      200,
    );
    expect(city.body.contests[0]).toMatchObject({ pollingAreasReported: 2, pollingAreasHeld: 0 });
    expectDocumented('GET', '/elections/{electionId}/results/city', 200, city.body);
  });

  it('POST …/units/{u}/annulment 201, its 409 and 422; results show the annulment', async () => {
    const id = smallElection().electionId;
    await call('POST', '/elections', 201, smallElection(id));
    for (const pa of ['ba-dinh-0001', 'ba-dinh-0002'])
      await call('POST', `/elections/${id}/tallies`, 201, sheetFor(pa, 'hdnd-tp'));
    const path = '/elections/{electionId}/contests/{contestId}/units/{unitId}/annulment';
    const url = `/elections/${id}/contests/hdnd-tp/units/tp-01/annulment`;
    const tooShort = await call('POST', url, 422, { reason: 'vi phạm' });
    expectDocumented('POST', path, 422, tooShort.body);
    const annulled = await call('POST', url, 201, { reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra' });
    expectDocumented('POST', path, 201, annulled.body);
    const again = await call('POST', url, 409, { reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra' });
    expectDocumented('POST', path, 409, again.body);
    const at = `minPosition=${annulled.body.position}`;
    const city = await call('GET', `/elections/${id}/results/city?${at}`, 200);
    expect(city.body.contests[1].units[0]).toMatchObject({
      outcome: 're-vote-required',
      outcomeReason: 'annulled',
      annulment: expect.objectContaining({ by: expect.any(String) }),
    });
    expectDocumented('GET', '/elections/{electionId}/results/city', 200, city.body);
    const district = await call('GET', `/elections/${id}/results/districts/ba-dinh?${at}`, 200);
    expect(district.body.contests[1].units[0].annulment).not.toBeNull();
    expectDocumented('GET', '/elections/{electionId}/results/districts/{districtId}', 200, district.body);
  });

  it('amendments, scans, open data and the public key', async () => {
    const other = smallElection().electionId;
    await call('POST', '/elections', 201, smallElection(other));
    const amended = await call(
      'POST',
      `/elections/${other}/amendments`,
      201,
      {
        reason: 'Tên cuộc bầu cử ghi sai chính tả',
        changes: [{ type: 'rename', target: 'election', name: 'Bầu cử (sửa)' }],
      },
      { 'if-match': '"0"' },
    );
    expectDocumented('POST', '/elections/{electionId}/amendments', 201, amended.body);

    const scanPath = '/elections/{electionId}/tallies/{pollingAreaId}/{contestId}/scan';
    const scanUrl = `${e}/tallies/ba-dinh-0001/na/scan`;
    const admin = `Bearer ${await api.tokenFor({ role: 'admin' })}`;
    const png = scanFiles.png();
    const put = () =>
      api.app.inject({
        method: 'PUT',
        url: scanUrl,
        payload: png,
        headers: { 'content-type': 'image/png', authorization: admin },
      });
    const stored = await put();
    expect(stored.statusCode).toBe(201);
    expectDocumented('PUT', scanPath, 201, JSON.parse(stored.body));
    const replayed = await put();
    expect(replayed.statusCode).toBe(200);
    expectDocumented('PUT', scanPath, 200, JSON.parse(replayed.body));
    const image = await api.app.inject({ method: 'GET', url: scanUrl, headers: { authorization: admin } });
    expect(image.statusCode).toBe(200);
    expect(image.rawPayload.equals(png)).toBe(true);
    expectDocumentedMedia('GET', scanPath, 200, image.headers['content-type'], image.body);
    const scans = await call('GET', `${e}/tallies/ba-dinh-0001/na/scans`, 200);
    expect(scans.body.scans).toHaveLength(1);
    expectDocumented('GET', `${scanPath}s`, 200, scans.body);

    const results = '/elections/{electionId}/results';
    const at = `minPosition=${JSON.parse(stored.body).position}`;
    const csv = await api.app.inject({ method: 'GET', url: `${e}/results/polling-areas.csv?${at}` });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n').length).toBeGreaterThan(1);
    expectDocumentedMedia('GET', `${results}/polling-areas.csv`, 200, csv.headers['content-type'], csv.body);
    const areas = await call('GET', `${e}/results/polling-areas.json?${at}`, 200);
    expectDocumented('GET', `${results}/polling-areas.json`, 200, areas.body);
    const cdf = await call('GET', `${e}/results/cdf.json?${at}`, 200);
    expectDocumented('GET', `${results}/cdf.json`, 200, cdf.body);

    const key = await call('GET', `${e}/audit/public-key`, 200);
    expectDocumented('GET', '/elections/{electionId}/audit/public-key', 200, key.body);
  });

  it('checked a real answer for every documented 2xx response', () => {
    const documented = operations().flatMap(({ method, path, responses }) =>
      Object.keys(responses)
        .filter(isSuccess)
        .map((status) => `${method} ${path} ${status}`),
    );
    expect(documented.filter((d) => !checked.has(d))).toEqual([]);
  });
});
