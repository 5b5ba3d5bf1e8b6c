import { Readable } from 'node:stream';
import { EventStore } from '@tally/event-store';
import { PostgresScanStore } from '@tally/scan-store';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { bearer, startTestApi, TestApi } from '../support/api';
import { heldSheetOf, naSheet, scanFiles, smallElection } from '../support/fixtures';

/** Issue 12 §2: the scanned counting record, stored content-addressed and linked to the sheet by a hashed event. */
const LIMIT = 256 * 1024;
let api: TestApi;
let electionId: string;
let tokens: Record<'submitterBaDinh' | 'submitterTayHo' | 'auditor' | 'admin', string>;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const scanUrl = (pa = 'ba-dinh-0001', contest = 'na', e = electionId) =>
  `/elections/${e}/tallies/${pa}/${contest}/scan`;

function put(url: string, bytes: Buffer | string, contentType: string, token = tokens.submitterBaDinh) {
  return api.app.inject({
    method: 'PUT',
    url,
    payload: bytes,
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
  });
}
function get(url: string, headers: Record<string, string> = { authorization: `Bearer ${tokens.auditor}` }) {
  return api.app.inject({ method: 'GET', url, headers });
}
const json = (res: { body: string }) => JSON.parse(res.body);
const head = () => api.app.get(EventStore).headPosition();
async function blobCount(): Promise<number> {
  const client = new Client({ connectionString: api.db.url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM scan_blobs')).rows[0].n);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  api = await startTestApi({ SCAN_LIMIT_BYTES: String(LIMIT) });
  tokens = {
    submitterBaDinh: await api.tokenFor({ role: 'submitter', districts: ['ba-dinh'], sub: 'officer-bd' }),
    submitterTayHo: await api.tokenFor({ role: 'submitter', districts: ['tay-ho'] }),
    auditor: await api.tokenFor({ role: 'auditor' }),
    admin: await api.tokenFor({ role: 'admin' }),
  };
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  expect((await api.call('POST', `/elections/${electionId}/tallies`, naSheet())).status).toBe(201);
});
afterAll(() => api?.close());

describe('PUT …/scan', () => {
  let first: Buffer;

  it('stores the file under its SHA-256 and appends TallyScanAttached to the sheet, in its hash chain', async () => {
    first = scanFiles.jpeg(20_000);
    const res = await put(scanUrl(), first, 'image/jpeg');
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({
      tallyId: `${electionId}.ba-dinh-0001.na`,
      digest: sha256(first),
      size: first.length,
      contentType: 'image/jpeg',
      revision: 1,
      countsRevision: 0,
      replayed: false,
    });
    expect(res.headers.etag).toBe(`"${sha256(first)}"`);
    const stream = await api.app.get(EventStore).readStream(`tally-${electionId}.ba-dinh-0001.na`);
    expect(stream.map((e) => e.type)).toEqual(['TallySubmitted', 'TallyScanAttached']);
    expect(stream[1].data).toMatchObject({
      digest: sha256(first),
      size: first.length,
      contentType: 'image/jpeg',
    });
    expect(stream[1].metadata.prevHash).toBe(stream[0].metadata.hash);
    expect(stream[1].metadata.actor).toMatchObject({ id: 'officer-bd', role: 'submitter' });
    // Stored before the answer: the bytes are in the store under the digest.
    const store = new PostgresScanStore(api.db.url);
    try {
      expect(Buffer.compare((await store.get(sha256(first)))!.bytes, first)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('GET …/scan returns identical bytes with their type and ETag = digest; If-None-Match → 304', async () => {
    const res = await get(scanUrl());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers.etag).toBe(`"${sha256(first)}"`);
    expect(Buffer.compare(res.rawPayload, first)).toBe(0);
    const again = await get(scanUrl(), {
      authorization: `Bearer ${tokens.auditor}`,
      'if-none-match': `"${sha256(first)}"`,
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('the same bytes again is a retry: 200, replayed, nothing appended', async () => {
    const before = await head();
    const res = await put(scanUrl(), first, 'image/jpeg');
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ digest: sha256(first), revision: 1, replayed: true });
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(await head()).toBe(before);
  });

  it.each([
    ['PNG bytes sent as image/jpeg', () => scanFiles.png(), 'image/jpeg', 'SCAN.CONTENT_TYPE_MISMATCH'],
    [
      'JPEG bytes sent as application/pdf',
      () => scanFiles.jpeg(),
      'application/pdf',
      'SCAN.CONTENT_TYPE_MISMATCH',
    ],
    ['text sent as image/png', () => Buffer.from('not a picture'), 'image/png', 'SCAN.CONTENT_TYPE_MISMATCH'],
    ['a GIF', () => Buffer.from('GIF89a......'), 'image/gif', 'SCAN.UNSUPPORTED_TYPE'],
    ['JSON', () => Buffer.from('{"a":1}'), 'application/json', 'SCAN.UNSUPPORTED_TYPE'],
    ['octet-stream', () => scanFiles.jpeg(), 'application/octet-stream', 'SCAN.UNSUPPORTED_TYPE'],
  ])('415 for %s; nothing appended, no bytes stored', async (_name, file, type, code) => {
    const [before, blobs] = [await head(), await blobCount()];
    const res = await put(scanUrl(), file(), type);
    expect([res.statusCode, json(res).code]).toEqual([415, code]);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect([await head(), await blobCount()]).toEqual([before, blobs]);
  });

  it('413 above SCAN_LIMIT_BYTES; nothing appended, no bytes stored', async () => {
    const [before, blobs] = [await head(), await blobCount()];
    const res = await put(scanUrl(), scanFiles.jpeg(LIMIT + 1), 'image/jpeg');
    expect([res.statusCode, json(res).code]).toEqual([413, 'SCAN.TOO_LARGE']);
    expect([await head(), await blobCount()]).toEqual([before, blobs]);
    // At the limit exactly it is accepted.
    const atLimit = await put(scanUrl('ba-dinh-0001'), scanFiles.jpeg(LIMIT), 'image/jpeg', tokens.admin);
    expect(atLimit.statusCode).toBe(201);
  });

  it('413 SCAN.TOO_LARGE also for a body streamed without Content-Length (cut at the limit)', async () => {
    const [before, blobs] = [await head(), await blobCount()];
    const bytes = scanFiles.jpeg(LIMIT + 1);
    const res = await api.app.inject({
      method: 'PUT',
      url: scanUrl(),
      // A stream: sent chunked, so the size is known only once the limit is passed.
      payload: Readable.from([bytes.subarray(0, 1024), bytes.subarray(1024)]),
      headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${tokens.submitterBaDinh}` },
    });
    expect([res.statusCode, json(res).code, json(res).limitBytes]).toEqual([413, 'SCAN.TOO_LARGE', LIMIT]);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect([await head(), await blobCount()]).toEqual([before, blobs]);
  });

  it("403 for another district's submitter and for an auditor; nothing appended, no bytes stored", async () => {
    const [before, blobs] = [await head(), await blobCount()];
    const other = await put(scanUrl(), scanFiles.jpeg(), 'image/jpeg', tokens.submitterTayHo);
    expect([other.statusCode, json(other).code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
    const auditor = await put(scanUrl(), scanFiles.jpeg(), 'image/jpeg', tokens.auditor);
    expect([auditor.statusCode, json(auditor).code]).toEqual([403, 'AUTH.FORBIDDEN']);
    expect([await head(), await blobCount()]).toEqual([before, blobs]);
  });

  it('404 SCAN.SHEET_NOT_FOUND before the sheet is submitted; 404 for an unknown polling area', async () => {
    const res = await put(scanUrl('ba-dinh-0002'), scanFiles.jpeg(), 'image/jpeg');
    expect([res.statusCode, json(res).code]).toEqual([404, 'SCAN.SHEET_NOT_FOUND']);
    const unknown = await put(scanUrl('ba-dinh-0999'), scanFiles.jpeg(), 'image/jpeg', tokens.admin);
    expect(unknown.statusCode).toBe(404);
  });

  it('422 SCAN.INVALID for an empty body', async () => {
    const res = await put(scanUrl(), Buffer.alloc(0), 'image/jpeg');
    expect([res.statusCode, json(res).code]).toEqual([422, 'SCAN.INVALID']);
  });

  it('the JSON endpoints still refuse a binary body (415)', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: `/elections/${electionId}/tallies`,
      payload: scanFiles.png(),
      headers: { 'content-type': 'image/png', authorization: `Bearer ${tokens.admin}` },
    });
    expect([res.statusCode, json(res).code]).toEqual([415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('a correction, then a new scan: every version stays', () => {
  it('lists both versions, serves each by digest, and the history and audit trail show the scan events', async () => {
    const sheet = naSheet({
      pollingAreaId: 'tay-ho-0001',
      registeredVoters: 1000,
      votersVoted: 990,
      ballotsIssued: 990,
      ballotsReceived: 990,
      validBallots: 980,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 700, 'na-01-2': 600, 'na-01-3': 300 },
    });
    expect((await api.call('POST', `/elections/${electionId}/tallies`, sheet)).status).toBe(201);
    const url = scanUrl('tay-ho-0001');
    const original = scanFiles.pdf();
    const attached = await put(url, original, 'application/pdf', tokens.submitterTayHo);
    expect(attached.statusCode).toBe(201);

    // The scan moved the sheet to revision 1: a correction must say so.
    const { submissionId: _, pollingAreaId: __, contestId: ___, ...counts } = sheet;
    const correction = {
      ...counts,
      validBallots: 978,
      invalidBallots: 12,
      reason: 'Biên bản ghi nhầm số phiếu hợp lệ',
    };
    const stale = await api.call(
      'POST',
      `/elections/${electionId}/tallies/tay-ho-0001/na/corrections`,
      correction,
      { 'if-match': '"0"' },
    );
    expect(stale.status).toBe(412);
    const corrected = await api.call(
      'POST',
      `/elections/${electionId}/tallies/tay-ho-0001/na/corrections`,
      correction,
      { 'if-match': '"1"' },
    );
    expect([corrected.status, corrected.body.revision]).toEqual([201, 2]);

    // The same bytes again after the correction document the new counts: a new version.
    const recheck = await put(url, original, 'application/pdf', tokens.submitterTayHo);
    expect([recheck.statusCode, json(recheck).countsRevision]).toEqual([201, 2]);
    const photo = scanFiles.png();
    const newer = await put(url, photo, 'image/png', tokens.submitterTayHo);
    expect([newer.statusCode, json(newer).revision]).toEqual([201, 4]);

    const list = await get(url.replace(/scan$/, 'scans'));
    expect(list.statusCode).toBe(200);
    expect(
      json(list).scans.map((s: { digest: string; countsRevision: number; revision: number }) => [
        s.digest,
        s.countsRevision,
        s.revision,
      ]),
    ).toEqual([
      [sha256(original), 0, 1],
      [sha256(original), 2, 3],
      [sha256(photo), 2, 4],
    ]);
    expect(json(list).scans[0].actor).toMatchObject({ role: 'submitter', districts: ['tay-ho'] });

    const latest = await get(url);
    expect([latest.headers['content-type'], Buffer.compare(latest.rawPayload, photo)]).toEqual([
      'image/png',
      0,
    ]);
    const old = await get(`${url}?digest=${sha256(original)}`);
    expect([old.statusCode, old.headers['content-type'], Buffer.compare(old.rawPayload, original)]).toEqual([
      200,
      'application/pdf',
      0,
    ]);
    const unknown = await get(`${url}?digest=${'0'.repeat(64)}`);
    expect([unknown.statusCode, json(unknown).code]).toEqual([404, 'SCAN.NOT_FOUND']);
    expect((await get(`${url}?digest=XYZ`)).statusCode).toBe(400);

    const sheetNow = await api.call('GET', `/elections/${electionId}/tallies/tay-ho-0001/na`);
    expect(sheetNow.body).toMatchObject({
      revision: 4,
      status: 'corrected',
      scan: { digest: sha256(photo), revision: 4 },
    });
    expect(sheetNow.body.counts.validBallots).toBe(978);

    const history = await api.call('GET', `/elections/${electionId}/tallies/tay-ho-0001/na/history`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'TallySubmitted',
      'TallyScanAttached',
      'TallyCorrected',
      'TallyScanAttached',
      'TallyScanAttached',
    ]);
    expect(history.body.events[1]).toMatchObject({
      reason: null,
      changedFields: [],
      scan: { digest: sha256(original), contentType: 'application/pdf' },
    });
    expect(history.body.events[1].counts.validBallots).toBe(980);

    const audit = await api.call(
      'GET',
      `/elections/${electionId}/audit?type=TallyScanAttached&pollingArea=tay-ho-0001&minPosition=${json(newer).position}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { summary: string }) => e.summary)).toEqual([
      expect.stringContaining(`SHA-256 ${sha256(original)}`),
      expect.stringContaining(`SHA-256 ${sha256(original)}`),
      expect.stringContaining(`image/png, ${photo.length} bytes, SHA-256 ${sha256(photo)}`),
    ]);

    // The totals count the corrected sheet once: scans change no number.
    const city = await api.call(
      'GET',
      `/elections/${electionId}/results/city?minPosition=${json(newer).position}`,
    );
    expect(city.body.contests.find((c: { contestId: string }) => c.contestId === 'na').validBallots).toBe(
      1220 + 978,
    );
  });
});

describe('a retry after the sheet moved on without a change of counts', () => {
  it("is answered with the scan's own revision and position, as the first answer was", async () => {
    // The sheet is held; a release then follows the scan without changing the counts.
    const held = await api.call(
      'POST',
      `/elections/${electionId}/tallies`,
      heldSheetOf('tay-ho-0002', 'na'),
      {
        authorization: `Bearer ${tokens.admin}`,
      },
    );
    expect([held.status, held.body.status]).toEqual([201, 'held']);
    const bytes = scanFiles.jpeg(4096);
    const url = scanUrl('tay-ho-0002');
    const first = await put(url, bytes, 'image/jpeg', tokens.admin);
    expect([first.statusCode, json(first).revision]).toEqual([201, 1]);
    const released = await api.call(
      'POST',
      `/elections/${electionId}/tallies/tay-ho-0002/na/review`,
      { decision: 'release', reason: 'Cử tri bổ sung trong ngày bầu cử, đã xác nhận' },
      { authorization: `Bearer ${tokens.admin}`, 'if-match': '"1"' },
    );
    expect([released.status, released.body.revision]).toEqual([201, 2]);
    const before = await head();
    const retry = await put(url, bytes, 'image/jpeg', tokens.admin);
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([200, 'true']);
    expect(json(retry)).toEqual({ ...json(first), replayed: true });
    expect(await head()).toBe(before);
  });
});

describe('who may read the scans', () => {
  it('admins and auditors; not a submitter (403) nor the public (401) unless the definition publishes them', async () => {
    const noToken = await get(scanUrl(), {});
    expect([noToken.statusCode, json(noToken).code]).toEqual([401, 'AUTH.TOKEN_MISSING']);
    const submitter = await get(scanUrl(), bearer(tokens.submitterBaDinh));
    expect([submitter.statusCode, json(submitter).code]).toEqual([403, 'AUTH.FORBIDDEN']);
    expect((await get(scanUrl(), bearer(tokens.admin))).statusCode).toBe(200);

    const published = `${electionId}-pub`;
    expect(
      (await api.call('POST', '/elections', { ...smallElection(published), publishScans: true })).status,
    ).toBe(201);
    expect((await api.call('POST', `/elections/${published}/tallies`, naSheet())).status).toBe(201);
    const file = scanFiles.png();
    expect((await put(scanUrl('ba-dinh-0001', 'na', published), file, 'image/png')).statusCode).toBe(201);
    const anyone = await get(scanUrl('ba-dinh-0001', 'na', published), {});
    expect([anyone.statusCode, Buffer.compare(anyone.rawPayload, file)]).toEqual([200, 0]);
    expect(anyone.headers['cache-control']).toBe('public, no-cache');
    expect(
      (await get(scanUrl('ba-dinh-0001', 'na', published).replace(/scan$/, 'scans'), {})).statusCode,
    ).toBe(200);
    // A sent token must still be valid, even on a public read.
    expect(
      (await get(scanUrl('ba-dinh-0001', 'na', published), { authorization: 'Bearer x.y.z' })).statusCode,
    ).toBe(401);
  });

  it('publishScans must be a boolean (400)', async () => {
    const res = await api.call('POST', '/elections', {
      ...smallElection(`${electionId}-bad`),
      publishScans: 'yes',
    });
    expect([res.status, res.body.code]).toEqual([400, 'REQUEST.INVALID']);
  });
});
