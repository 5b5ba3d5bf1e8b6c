import { bearer, startTestApi } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';
import { hostileTokens, TEST_JWT_SECRET } from '../support/tokens';

type LogLine = Record<string, unknown> & { level: string; time: string; msg: string };

/** What the api writes to stdout and stderr while `run` runs, split into lines. */
async function captureOutput(run: () => Promise<void>): Promise<string[]> {
  let output = '';
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    }) as typeof stream.write),
  );
  try {
    await run();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return output.split('\n').filter((line) => line.trim() !== '');
}

describe('structured logs (LOG_FORMAT=json)', () => {
  it('one JSON line per request: level, time, request id, correlation id, route, status, latency, actor; no secret', async () => {
    let hostile: Record<string, string> = {};
    let adminToken = '';
    const lines = await captureOutput(async () => {
      const api = await startTestApi({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
      try {
        hostile = await hostileTokens(api.config);
        adminToken = await api.tokenFor({ role: 'admin', sub: 'log-admin' });
        const admin = { ...bearer(adminToken), 'x-request-id': 'log-req-1', 'x-correlation-id': 'night-42' };
        expect((await api.call('POST', '/elections', smallElection('log-e'), admin)).status).toBe(201);
        const sheet = { ...bearer(adminToken), 'x-request-id': 'log-req-2' };
        const submitted = await api.call('POST', '/elections/log-e/tallies', naSheet(), sheet);
        expect(submitted.status).toBe(201);
        // Waits for the projections to apply it, so a batch line has been written.
        const city = `/elections/log-e/results/city?minPosition=${submitted.body.position}`;
        expect((await api.call('GET', city)).status).toBe(200);
        const refused = { ...bearer(hostile.expired), 'x-request-id': 'log-req-3' };
        expect((await api.call('GET', '/elections/log-e', undefined, refused)).status).toBe(401);
        const missing = { 'x-request-id': 'log-req-4', cookie: 'session=s3cr3t-cookie' };
        expect((await api.call('GET', '/elections/nowhere', undefined, missing)).status).toBe(404);
        // Refused by the router before any hook runs: still one line.
        const long = `/elections/${'e'.repeat(101)}`;
        expect((await api.call('GET', long, undefined, { 'x-request-id': 'log-req-5' })).status).toBe(414);
      } finally {
        await api.close();
      }
    });

    // Every line is one JSON object with a level and an ISO time.
    const parsed = lines.map((line) => {
      expect(() => JSON.parse(line)).not.toThrow();
      return JSON.parse(line) as LogLine;
    });
    for (const line of parsed) {
      expect(typeof line.level).toBe('string');
      expect(new Date(line.time).toISOString()).toBe(line.time);
    }

    const requestLine = (id: string) => parsed.find((l) => l.requestId === id && l.msg === 'request');
    expect(requestLine('log-req-1')).toMatchObject({
      level: 'debug',
      correlationId: 'night-42',
      method: 'POST',
      route: '/elections',
      status: 201,
      actorId: 'log-admin',
    });
    expect(requestLine('log-req-2')).toMatchObject({
      correlationId: 'log-req-2', // none given: the request id
      route: '/elections/:electionId/tallies',
      status: 201,
      actorId: 'log-admin',
    });
    expect(requestLine('log-req-3')).toMatchObject({ status: 401, actorId: 'anonymous' });
    expect(requestLine('log-req-4')).toMatchObject({ status: 404, route: '/elections/:electionId' });
    expect(requestLine('log-req-5')).toMatchObject({ status: 414, route: null });
    for (const id of ['log-req-1', 'log-req-2', 'log-req-3', 'log-req-4', 'log-req-5']) {
      expect(typeof requestLine(id)?.latencyMs).toBe('number');
    }
    // Logs made while handling a request name it: the refused token is logged with its request id.
    expect(
      parsed.some((l) => l.msg.includes('token refused') && JSON.stringify(l).includes('log-req-3')),
    ).toBe(true);
    // Projection batches are logged at debug.
    expect(parsed.find((l) => l.msg === 'projection batch')).toMatchObject({
      level: 'debug',
      projection: expect.any(String),
      events: expect.any(Number),
      position: expect.any(Number),
    });

    // No token, signature, cookie or secret anywhere.
    const all = lines.join('\n');
    for (const secret of [TEST_JWT_SECRET, adminToken, ...Object.values(hostile), 's3cr3t-cookie']) {
      expect(all).not.toContain(secret);
    }
    expect(all.toLowerCase()).not.toContain('bearer ');
    expect(all.toLowerCase()).not.toContain('eyj');
  });

  it('at the default level (log) the request lines are off, the start-up lines on', async () => {
    const lines = await captureOutput(async () => {
      const api = await startTestApi({ LOG_FORMAT: 'json', LOG_LEVEL: 'log' });
      try {
        expect((await api.call('GET', '/health', undefined, { 'x-request-id': 'quiet-1' })).status).toBe(200);
      } finally {
        await api.close();
      }
    });
    const parsed = lines.map((line) => JSON.parse(line) as LogLine);
    expect(parsed.some((l) => l.level === 'info')).toBe(true);
    expect(parsed.filter((l) => l.msg === 'request')).toEqual([]);
  });
});
