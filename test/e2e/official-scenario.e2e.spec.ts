import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '@tally/event-store';
import { verifyExportFile } from '@tally/read-models';
import { bearer, startTestApi, TestApi } from '../support/api';
import { runCli } from '../support/cli';
import { correctionOf, heldSheetOf, POLLING_AREAS, sheetOf, smallElection } from '../support/fixtures';

/**
 * Issue 11, the whole road from preliminary to official over HTTP: an election with double entry; both entries of
 * the NA unit's four sheets (one pair differs and a district admin resolves it, one sheet lists more voters than the
 * definition and is held until its district admin releases it); certification; a correction refused; revocation,
 * correction, certification again; time travel before the first certification; then `verify`, `export` +
 * `verify-export` and `verify-read-models` pass over the log.
 */
jest.setTimeout(240_000);

let api: TestApi;
let store: EventStore;
let dir: string;
const e = `official-${Date.now().toString(36)}`;
const T: Record<string, Record<string, string>> = {};
const sheetUrl = (pa: string, c = 'na') => `/elections/${e}/tallies/${pa}/${c}`;
const unitUrl = `/elections/${e}/contests/na/units/na-01`;

/** The paper record of tay-ho-0001 lists 20 voters added on the day: votersVoted above the definition's 1,000. */
const suspiciousSheet = () => heldSheetOf('tay-ho-0001', 'na');

async function etag(pa: string): Promise<string> {
  const res = await api.call('GET', sheetUrl(pa), undefined, T.city);
  expect(res.status).toBe(200);
  return res.headers.etag as string;
}

/**
 * Sends the same request five times at once (a client retrying on a bad network): every sender gets 201, one event
 * is appended, and the four replays answer exactly what the original got. Returns the original answer.
 */
async function raceFive(send: () => ReturnType<TestApi['call']>) {
  const head = await store.headPosition();
  const raced = await Promise.all([1, 2, 3, 4, 5].map(() => send()));
  expect(raced.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
  const originals = raced.filter((r) => !r.body.replayed);
  expect(originals).toHaveLength(1);
  const [original] = originals;
  for (const r of raced) if (r !== original) expect(r.body).toEqual({ ...original.body, replayed: true });
  expect(await store.headPosition()).toBe(head + 1);
  return original;
}

async function refused(
  method: 'POST',
  url: string,
  body: unknown,
  headers: Record<string, string>,
  code: string,
) {
  const before = await store.headPosition();
  const res = await api.call(method, url, body, headers);
  expect(res.body.code).toBe(code);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(await store.headPosition()).toBe(before);
  return res;
}

async function unit(query: string) {
  const res = await api.call('GET', `/elections/${e}/results/city?${query}`);
  expect(res.status).toBe(200);
  const contest = res.body.contests.find((c: { contestId: string }) => c.contestId === 'na');
  return {
    city: res.body,
    contest,
    unit: contest.units.find((u: { unitId: string }) => u.unitId === 'na-01'),
  };
}

beforeAll(async () => {
  api = await startTestApi();
  store = api.app.get(EventStore);
  dir = mkdtempSync(join(tmpdir(), 'official-scenario-'));
  T.city = bearer(await api.tokenFor({ role: 'admin', sub: 'city-admin' }));
  for (const d of ['ba-dinh', 'tay-ho']) {
    T[`${d}-1`] = bearer(await api.tokenFor({ role: 'submitter', districts: [d], sub: `${d}-first` }));
    T[`${d}-2`] = bearer(await api.tokenFor({ role: 'submitter', districts: [d], sub: `${d}-second` }));
    T[`${d}-admin`] = bearer(await api.tokenFor({ role: 'admin', districts: [d], sub: `${d}-admin` }));
  }
  const definition = { ...smallElection(e), verification: { doubleEntry: true } };
  expect((await api.call('POST', '/elections', definition, T.city)).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('from preliminary to official', () => {
  const first: Record<string, ReturnType<typeof sheetOf>> = {};
  let beforeCertification = 0;

  it('double entry: a first entry waits, an equal second by another official verifies it, the same official is refused', async () => {
    for (const pa of POLLING_AREAS) {
      first[pa] = pa === 'tay-ho-0001' ? suspiciousSheet() : sheetOf(pa, 'na');
      const district = pa.startsWith('ba-dinh') ? 'ba-dinh' : 'tay-ho';
      const res = await api.call('POST', `/elections/${e}/tallies`, first[pa], T[`${district}-1`]);
      expect([res.status, res.body.status]).toEqual([201, 'awaiting-second-entry']);
      // a retry of the first entry stays a replay
      const retry = await api.call('POST', `/elections/${e}/tallies`, first[pa], T[`${district}-1`]);
      expect([retry.status, retry.body.status]).toEqual([201, 'awaiting-second-entry']);
    }
    // nothing counts yet
    expect((await unit(`minPosition=${await store.headPosition()}`)).contest.pollingAreasReported).toBe(0);
    await refused(
      'POST',
      `/elections/${e}/tallies`,
      { ...first['ba-dinh-0002'], submissionId: crypto.randomUUID() },
      T['ba-dinh-1'],
      'TALLY.SECOND_ENTRY_SAME_ACTOR',
    );
    const secondEntry = { ...first['ba-dinh-0002'], submissionId: crypto.randomUUID() };
    const second = await api.call('POST', `/elections/${e}/tallies`, secondEntry, T['ba-dinh-2']);
    expect([second.status, second.body.status]).toEqual([201, 'verified']);
    // a retry of the second entry (a lost 201) is answered with what it got, and appends nothing
    const head = await store.headPosition();
    const retried = await api.call('POST', `/elections/${e}/tallies`, secondEntry, T['ba-dinh-2']);
    expect([retried.status, retried.body]).toEqual([201, { ...second.body, replayed: true }]);
    expect(await store.headPosition()).toBe(head);
    // the same id with other figures is still refused, naming what changed
    const reused = await api.call(
      'POST',
      `/elections/${e}/tallies`,
      { ...sheetOf('ba-dinh-0002', 'na', 3), submissionId: secondEntry.submissionId },
      T['ba-dinh-2'],
    );
    expect([reused.status, reused.body.code]).toEqual([409, 'TALLY.SUBMISSION_ID_REUSED']);
    expect(reused.body.changedFields).toEqual(expect.arrayContaining(['candidateVotes.na-01-1']));
    expect(await store.headPosition()).toBe(head);
    const secondTayHo = await api.call(
      'POST',
      `/elections/${e}/tallies`,
      { ...first['tay-ho-0002'], submissionId: crypto.randomUUID() },
      T['tay-ho-2'],
    );
    expect([secondTayHo.status, secondTayHo.body.status]).toEqual([201, 'verified']);
  });

  it('a second entry that differs is a discrepancy until the district admin resolves it with the paper counts', async () => {
    const differing = { ...sheetOf('ba-dinh-0001', 'na', 3), submissionId: crypto.randomUUID() };
    const res = await api.call('POST', `/elections/${e}/tallies`, differing, T['ba-dinh-2']);
    expect([res.status, res.body.status]).toEqual([201, 'discrepancy']);
    expect(res.body.discrepancies).toEqual(
      expect.arrayContaining(['candidateVotes.na-01-1', 'candidateVotes.na-01-2']),
    );
    const retried = await api.call('POST', `/elections/${e}/tallies`, differing, T['ba-dinh-2']);
    expect([retried.status, retried.body]).toEqual([201, { ...res.body, replayed: true }]);
    // another district's admin may not resolve it
    const body = { ...correctionOf(first['ba-dinh-0001'], 'Đối chiếu biên bản gốc: lần nhập thứ nhất đúng') };
    await refused(
      'POST',
      `${sheetUrl('ba-dinh-0001')}/resolution`,
      body,
      { ...T['tay-ho-admin'], 'if-match': await etag('ba-dinh-0001') },
      'AUTH.OUT_OF_SCOPE',
    );
    // five racing senders of the same resolution (a client retrying on a bad network): one event, the same 201
    const ifMatch = await etag('ba-dinh-0001');
    const resolved = await raceFive(() =>
      api.call('POST', `${sheetUrl('ba-dinh-0001')}/resolution`, body, {
        ...T['ba-dinh-admin'],
        'if-match': ifMatch,
      }),
    );
    expect(resolved.body.status).toBe('resolved');
  });

  it('a sheet whose voters exceed the list is held, listed for review, and counts once released', async () => {
    const res = await api.call(
      'POST',
      `/elections/${e}/tallies`,
      { ...first['tay-ho-0001'], submissionId: crypto.randomUUID() },
      T['tay-ho-2'],
    );
    expect([res.status, res.body.status]).toEqual([201, 'held']);
    const review = await api.call(
      'GET',
      `/elections/${e}/review?minPosition=${res.body.position}`,
      undefined,
      T.city,
    );
    expect(review.status).toBe(200);
    expect(JSON.stringify(review.body)).toContain('tay-ho-0001');
    const { contest } = await unit(`minPosition=${res.body.position}`);
    expect(contest.pollingAreasHeld).toBe(1);
    // not certifiable while held
    await refused('POST', `${unitUrl}/certification`, {}, T.city, 'UNIT.NOT_COMPLETE');
    // the release raced by five identical requests: one event, every sender gets the same 201
    const ifMatch = await etag('tay-ho-0001');
    const released = await raceFive(() =>
      api.call(
        'POST',
        `${sheetUrl('tay-ho-0001')}/review`,
        { decision: 'release', reason: 'Cử tri bổ sung trong ngày bầu cử, Ban bầu cử xác nhận' },
        { ...T['tay-ho-admin'], 'if-match': ifMatch },
      ),
    );
    expect(released.body.status).toBe('released');
    const after = await unit(`minPosition=${released.body.position}`);
    expect(after.contest.pollingAreasHeld).toBe(0);
    expect(after.contest.pollingAreasReported).toBe(4);
    beforeCertification = released.body.position;
  });

  it('certified, a correction is refused; revoked, corrected and certified again', async () => {
    const certified = await api.call(
      'POST',
      `${unitUrl}/certification`,
      { reason: 'Biên bản xác định kết quả' },
      T.city,
    );
    expect(certified.status).toBe(201);
    const now = await unit(`minPosition=${certified.body.position}`);
    expect(now.unit.certified).toEqual(
      expect.objectContaining({ by: 'city-admin', position: certified.body.position }),
    );

    const correction = correctionOf(sheetOf('ba-dinh-0002', 'na', 1));
    await refused(
      'POST',
      `${sheetUrl('ba-dinh-0002')}/corrections`,
      correction,
      { ...T.city, 'if-match': await etag('ba-dinh-0002') },
      'TALLY.UNIT_CERTIFIED',
    );
    const revoked = await api.call(
      'POST',
      `${unitUrl}/certification/revocation`,
      { reason: 'Khiếu nại về số phiếu tại ba-dinh-0002' },
      T.city,
    );
    expect(revoked.status).toBe(201);
    const corrected = await api.call('POST', `${sheetUrl('ba-dinh-0002')}/corrections`, correction, {
      ...T.city,
      'if-match': await etag('ba-dinh-0002'),
    });
    expect(corrected.status).toBe(201);
    const again = await api.call('POST', `${unitUrl}/certification`, {}, T.city);
    expect(again.status).toBe(201);
    expect((await unit(`minPosition=${again.body.position}`)).unit.certified.position).toBe(
      again.body.position,
    );

    // time travel: before the first certification the unit was not certified
    expect((await unit(`atPosition=${beforeCertification}`)).unit.certified).toBeNull();
    expect((await unit(`atPosition=${certified.body.position}`)).unit.certified).not.toBeNull();
    expect((await unit(`atPosition=${revoked.body.position}`)).unit.certified).toBeNull();
  });

  it('verify, export + verify-export and verify-read-models pass over the whole log', async () => {
    const head = await store.headPosition();
    const live = (await api.call('GET', `/elections/${e}/results/city?minPosition=${head}`)).body;

    const verify = runCli(api.db.url, 'verify');
    expect(verify.stderr + verify.stdout).toContain('INTACT');
    expect(verify.status).toBe(0);

    const exported = await api.call('GET', `/elections/${e}/audit/export`, undefined, T.city);
    expect(exported.status).toBe(200);
    const file = join(dir, `${e}.ndjson`);
    writeFileSync(file, exported.body);
    const verified = await verifyExportFile(file);
    expect(verified.intact).toBe(true);
    expect(verified.cities).toEqual([{ ...live, position: expect.any(Number) }]);

    const models = runCli(api.db.url, 'verify-read-models');
    expect(models.stderr + models.stdout).toContain('The read models equal a replay of the log');
    expect(models.status).toBe(0);
  });
});
