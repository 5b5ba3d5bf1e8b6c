import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { startAnotherApi, startTestApi, TestApi } from '../support/api';
import { naSheet, secondBaDinhNaSheet, smallElection } from '../support/fixtures';
import { freePort } from '../support/api-process';
import { Nginx, nginxAvailability, startNginx } from '../support/nginx';
import { SseClient } from '../support/sse-client';

/**
 * deploy/nginx/nginx.conf (what docker compose and docs/operations.md put in front of the api instances), run by a
 * real nginx in front of two real api instances: the public results come from its cache and are revalidated with the
 * api's 304s, a token bypasses the cache, big answers go compressed, the live stream comes through at once, one
 * client is limited across both instances, and what nginx itself refuses is problem+json like the api's answers.
 */
const { available } = nginxAvailability();
const describeWithNginx = available ? describe : describe.skip;

const MAX_AGE_SECONDS = 3;
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** An answer of nginx's own, shaped as the api's problem+json: status, type, code (and Retry-After when asked). */
function expectProblem(
  answer: { status: number; type: string | null | undefined; retryAfter?: string | null; body: string },
  status: number,
  code: string,
  retries = false,
): void {
  expect([answer.status, answer.type]).toEqual([status, PROBLEM_TYPE]);
  if (retries) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(JSON.parse(answer.body)).toMatchObject({ type: `urn:tally-ledger:problem:${code}`, status, code });
}

/** What expectProblem reads of a fetch answer. */
const problemOf = async (response: Response) => ({
  status: response.status,
  type: response.headers.get('content-type'),
  retryAfter: response.headers.get('retry-after'),
  body: await response.text(),
});
const election = smallElection();
const e = `/elections/${election.electionId}`;

describeWithNginx('nginx in front of two api instances (deploy/nginx/nginx.conf)', () => {
  let first: TestApi;
  let second: TestApi;
  let nginx: Nginx;
  const clients: SseClient[] = [];

  const address = (api: TestApi) => `127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;

  beforeAll(async () => {
    const env = {
      RESULTS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
      LIVE_HEARTBEAT_MS: '100',
      LIVE_POLL_MS: '20',
      LIVE_UPDATE_INTERVAL_MS: '50',
    };
    first = await startTestApi(env);
    second = await startAnotherApi(first, { ...env, PROJECTIONS: 'off' });
    await first.app.listen(0, '127.0.0.1');
    await second.app.listen(0, '127.0.0.1');
    nginx = await startNginx([address(first), address(second)]);
    expect((await first.call('POST', '/elections', election)).status).toBe(201);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await nginx?.stop();
    await second?.close();
    await first?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${nginx.url}${path}`, { headers });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('serves the public results from its cache, revalidates them with If-None-Match, and follows a new sheet', async () => {
    const sheet = await first.call('POST', `${e}/tallies`, naSheet({ pollingAreaId: 'ba-dinh-0001' }));
    expect(sheet.status).toBe(201);
    const path = `${e}/results/city`;
    // The projection may be a moment behind the 201: wait until the api itself shows the sheet.
    expect((await first.call('GET', `${path}?minPosition=${sheet.body.position}`)).status).toBe(200);
    const direct = await first.call('GET', path, undefined, { authorization: '' });

    const miss = await get(path);
    expect([miss.status, miss.headers.get('x-cache-status')]).toEqual([200, 'MISS']);
    // gzip (fetch accepts it) turns the ETag weak, W/"…": If-None-Match compares weakly, so it works the same.
    const tag = (response: Response) => response.headers.get('etag')?.replace(/^W\//, '');
    expect(tag(miss)).toBe(`"${sheet.body.position}"`);
    expect(await miss.json()).toEqual(direct.body);

    const hit = await get(path);
    expect([hit.status, hit.headers.get('x-cache-status')]).toEqual([200, 'HIT']);
    expect(await hit.json()).toEqual(direct.body);

    // Past max-age nginx asks the api with the cached ETag; nothing changed, so the api's 304 refreshes the copy.
    // (nginx counts a copy's age in whole seconds: max-age=3 may last up to 4 s; 3 s leaves room for a busy machine.)
    await sleep((MAX_AGE_SECONDS + 1) * 1000 + 100);
    const revalidated = await get(path);
    expect([revalidated.status, revalidated.headers.get('x-cache-status')]).toEqual([200, 'REVALIDATED']);
    expect(await revalidated.json()).toEqual(direct.body);

    // A client's own If-None-Match gets a 304 from nginx.
    const notModified = await get(path, { 'if-none-match': `"${sheet.body.position}"` });
    expect(notModified.status).toBe(304);

    const next = await first.call('POST', `${e}/tallies`, secondBaDinhNaSheet());
    expect(next.status).toBe(201);
    expect((await first.call('GET', `${path}?minPosition=${next.body.position}`)).status).toBe(200);
    await sleep((MAX_AGE_SECONDS + 1) * 1000 + 100);
    const changed = await get(path);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('x-cache-status')).toBe('EXPIRED');
    expect(tag(changed)).toBe(`"${next.body.position}"`);
    expect(((await changed.json()) as { position: number }).position).toBe(next.body.position);
  });

  it('passes a request with a token to the api, never from or into the cache', async () => {
    const token = `Bearer ${await first.tokenFor({ role: 'auditor', sub: 'auditor-1' })}`;
    const path = `${e}/results/districts`;
    const withToken = await get(path, { authorization: token });
    expect([withToken.status, withToken.headers.get('x-cache-status')]).toEqual([200, 'BYPASS']);
    const anonymous = await get(path);
    expect(anonymous.headers.get('x-cache-status')).toBe('MISS');
  });

  it('compresses a results answer for a client that accepts gzip, with the same JSON inside', async () => {
    const path = `${e}/results/districts/ba-dinh`;
    const plain = await get(path);
    const plainBody = Buffer.from(await plain.arrayBuffer());
    // fetch would decompress it unseen: node's http shows the bytes as sent.
    const url = new URL(`${nginx.url}${path}`);
    const zipped = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        request(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        })
          .on('error', reject)
          .end();
      },
    );
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plainBody.length);
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(
      JSON.parse(plainBody.toString('utf8')),
    );
  });

  it('passes the live stream through at once: the snapshot, then an update for a new sheet', async () => {
    const live = await SseClient.connect(`${nginx.url}${e}/live`);
    clients.push(live);
    const snapshot = await live.waitFor((m) => m.event === 'snapshot', 15_000);
    const sheet = await first.call('POST', `${e}/tallies`, naSheet({ pollingAreaId: 'tay-ho-0001' }));
    expect(sheet.status).toBe(201);
    const update = await live.waitFor(
      (m) => m.event === 'update' && Number(m.id) >= sheet.body.position,
      15_000,
    );
    expect(Number(update.id)).toBeGreaterThan(Number(snapshot.id));
  });

  /** A raw request through nginx (fetch would refuse the odd ones): its status, content type and body. */
  const raw = (
    method: string,
    path: string,
    headers: Record<string, string | number>,
    body = '',
  ): Promise<{ status: number; type: string | undefined; body: string }> =>
    new Promise((resolve, reject) => {
      const sent = request(`${nginx.url}${path}`, { method, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body: text }),
        );
      });
      sent.on('error', reject);
      sent.end(body);
    });

  it('takes headers up to the api’s own limit (16 KiB), and answers bigger ones 431 as the api would', async () => {
    const fits = await raw('GET', '/health', { 'x-padding': 'a'.repeat(12 * 1024) });
    expect(fits.status).toBe(200);
    const tooLarge = await raw('GET', '/health', { 'x-padding': 'a'.repeat(20 * 1024) });
    expectProblem(tooLarge, 431, 'REQUEST.HEADERS_TOO_LARGE');
  });

  it('refuses a body over its 64 MB limit with 413 REQUEST.BODY_TOO_LARGE as problem+json', async () => {
    // nginx answers on the Content-Length alone, before any of the body.
    const tooLarge = await raw('POST', '/elections', {
      'content-type': 'application/json',
      'content-length': 70 * 1024 * 1024,
    });
    expectProblem(tooLarge, 413, 'REQUEST.BODY_TOO_LARGE');
  });

  it('limits one client at nginx, whichever instance would serve it: past the burst, 429 as problem+json with Retry-After', async () => {
    // 20 requests/s with a burst of 200 on every path but the results: 260 at once from one address.
    const answers = await Promise.all(Array.from({ length: 260 }, () => get('/health')));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const [refused] = limited;
    expectProblem(await problemOf(refused), 429, 'REQUEST.RATE_LIMITED', true);
    await Promise.all(answers.filter((r) => r !== refused).map((r) => r.arrayBuffer()));
  });

  it('with no api instance to reach: 503 SERVICE.UNAVAILABLE as problem+json with Retry-After', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const alone = await startNginx([nowhere, nowhere]);
    try {
      expectProblem(await problemOf(await fetch(`${alone.url}/health`)), 503, 'SERVICE.UNAVAILABLE', true);
    } finally {
      await alone.stop();
    }
  });
});
