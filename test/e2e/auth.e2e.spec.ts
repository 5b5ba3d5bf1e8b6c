import { EventStore } from '@tally/event-store';
import { JwtService } from '@nestjs/jwt';
import { bearer, startTestApi, TestApi } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';
import { hostileTokens, TEST_JWT_SECRET } from '../support/tokens';

const correctionOf = (sheet: ReturnType<typeof naSheet>) => {
  const { submissionId: _, pollingAreaId: __, contestId: ___, ...counts } = sheet;
  return { ...counts, validBallots: 1218, invalidBallots: 20, reason: 'Biên bản ghi nhầm số phiếu hợp lệ' };
};

describe('the actor of every event', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api?.close());

  it('a correction names the admin who made it (sub, role, districts) and the request id: store, history, audit', async () => {
    const electionId = 'actor-e';
    expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
    const sheet = naSheet();
    const submitter = await api.tokenFor({ role: 'submitter', sub: 'officer-17', districts: ['ba-dinh'] });
    const submitted = await api.call('POST', `/elections/${electionId}/tallies`, sheet, {
      ...bearer(submitter),
      'x-request-id': 'req-submit-1',
    });
    expect(submitted.status).toBe(201);

    const admin = await api.tokenFor({ role: 'admin', sub: 'admin-ba-dinh', districts: ['ba-dinh'] });
    const corrected = await api.call(
      'POST',
      `/elections/${electionId}/tallies/ba-dinh-0001/na/corrections`,
      correctionOf(sheet),
      { ...bearer(admin), 'if-match': '"0"', 'x-request-id': 'req-correct-1' },
    );
    expect(corrected.status).toBe(201);
    const adminActor = { id: 'admin-ba-dinh', role: 'admin', districts: ['ba-dinh'] };

    const stored = await api.app.get(EventStore).readStream(`tally-${electionId}.ba-dinh-0001.na`);
    expect(stored.map((e) => [e.type, e.metadata.actor, e.metadata.requestId])).toEqual([
      ['TallySubmitted', { id: 'officer-17', role: 'submitter', districts: ['ba-dinh'] }, 'req-submit-1'],
      ['TallyCorrected', adminActor, 'req-correct-1'],
    ]);

    const history = await api.call('GET', `/elections/${electionId}/tallies/ba-dinh-0001/na/history`);
    expect(history.body.events[1]).toMatchObject({
      type: 'TallyCorrected',
      actor: adminActor,
      requestId: 'req-correct-1',
    });

    const audit = await api.call(
      'GET',
      `/elections/${electionId}/audit?minPosition=${corrected.body.position}`,
      undefined,
      bearer(await api.tokenFor({ role: 'auditor' })),
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.at(-1)).toMatchObject({
      type: 'TallyCorrected',
      actor: adminActor,
      requestId: 'req-correct-1',
      reason: 'Biên bản ghi nhầm số phiếu hợp lệ',
    });
  });
});

describe('tokens', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api?.close());

  const jwt = new JwtService();
  const sign = (payload: object, options: object = {}) =>
    jwt.signAsync(payload, {
      secret: TEST_JWT_SECRET,
      issuer: 'tally-ledger',
      audience: 'tally-ledger-api',
      expiresIn: 600,
      ...options,
    });

  it.each([
    ['alg none', async () => (await hostileTokens(api.config)).algNone],
    ['another issuer', () => sign({ role: 'admin' }, { subject: 'x', issuer: 'evil' })],
    [
      'no expiry',
      () =>
        jwt.signAsync(
          { role: 'admin', sub: 'x', iss: 'tally-ledger', aud: 'tally-ledger-api' },
          { secret: TEST_JWT_SECRET },
        ),
    ],
    ['an unknown role', () => sign({ role: 'superuser' }, { subject: 'x' })],
    ['no sub', () => sign({ role: 'admin' })],
    ['districts that are not ids', () => sign({ role: 'admin', districts: ['Ba Đình'] }, { subject: 'x' })],
    ['HS384 (not whitelisted)', () => sign({ role: 'admin' }, { subject: 'x', algorithm: 'HS384' })],
    ['not yet valid', () => sign({ role: 'admin' }, { subject: 'x', notBefore: 3600 })],
  ])('refuses a token with %s: 401 AUTH.TOKEN_INVALID, even on a public endpoint', async (_, token) => {
    const res = await api.call('GET', '/health', undefined, bearer(await token()));
    expect([res.status, res.body.code]).toEqual([401, 'AUTH.TOKEN_INVALID']);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.body.detail).not.toContain(TEST_JWT_SECRET);
  });

  it('accepts a token expired for less than the tolerated clock skew (JWT_CLOCK_SKEW_SECONDS)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await jwt.signAsync(
      { role: 'auditor', sub: 'late', iss: 'tally-ledger', aud: 'tally-ledger-api', exp: now - 10 },
      { secret: TEST_JWT_SECRET },
    );
    expect((await api.call('GET', '/elections/none-such', undefined, bearer(token))).status).toBe(404);
  });

  it('refuses a malformed Authorization header as 401, and a missing one on a protected route with a challenge', async () => {
    const basic = await api.call('GET', '/health', undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    expect([basic.status, basic.body.code]).toEqual([401, 'AUTH.TOKEN_INVALID']);
    const none = await api.call('GET', '/elections/x', undefined, { authorization: '' });
    expect([none.status, none.body.code, none.headers['www-authenticate']]).toEqual([
      401,
      'AUTH.TOKEN_MISSING',
      'Bearer realm="tally-ledger"',
    ]);
  });

  it('a submitter learns nothing about polling areas outside its districts: unknown and foreign are the same 403', async () => {
    const electionId = 'scope-e';
    expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
    const submitter = bearer(await api.tokenFor({ role: 'submitter', districts: ['tay-ho'] }));
    const foreign = await api.call(
      'GET',
      `/elections/${electionId}/tallies/ba-dinh-0001/na`,
      undefined,
      submitter,
    );
    const unknown = await api.call(
      'GET',
      `/elections/${electionId}/tallies/nowhere-1/na`,
      undefined,
      submitter,
    );
    expect([foreign.status, foreign.body.code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
    expect([unknown.status, unknown.body.code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
    // The city admin gets the usual 404 for the same request.
    expect((await api.call('GET', `/elections/${electionId}/tallies/nowhere-1/na`)).body.code).toBe(
      'TALLY.NOT_FOUND',
    );
  });
});

describe('logs', () => {
  it('never contain a token or the secret, even at LOG_LEVEL=verbose', async () => {
    // What the process writes (Nest's logger writes to stdout and stderr), captured instead of printed.
    let output = '';
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        output += String(chunk);
        return true;
      }) as typeof stream.write),
    );
    const api = await startTestApi({ LOG_LEVEL: 'verbose' });
    try {
      const admin = await api.tokenFor({ role: 'admin', sub: 'logged-admin' });
      const hostile = await hostileTokens(api.config);
      expect((await api.call('POST', '/elections', smallElection('log-e'), bearer(admin))).status).toBe(201);
      expect((await api.call('POST', '/elections/log-e/tallies', naSheet(), bearer(admin))).status).toBe(201);
      for (const token of Object.values(hostile)) {
        expect((await api.call('GET', '/elections/log-e', undefined, bearer(token))).status).toBe(401);
      }
    } finally {
      await api.close();
      spies.forEach((spy) => spy.mockRestore());
    }
    // Verbose logging did happen (route mapping, the refused tokens by request id)...
    expect(output).toContain('token refused');
    // ...and named no token, no signature and no secret.
    for (const secret of [TEST_JWT_SECRET, ...Object.values(await hostileTokens(api.config))]) {
      expect(output).not.toContain(secret);
    }
    expect(output.toLowerCase()).not.toContain('bearer ');
    expect(output.toLowerCase()).not.toContain('eyj'); // the start of every JWT header
  });
});

describe('rate limit', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '5' })));
  afterAll(() => api?.close());

  it('counts per token and per IP: the 6th request in a minute is 429 problem+json with Retry-After', async () => {
    const officer = bearer(await api.tokenFor({ role: 'auditor', sub: 'busy-auditor' }));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.call('GET', '/health', undefined, officer)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await api.call('GET', '/health', undefined, officer);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body.code).toBe('REQUEST.RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

    // Another token has its own budget, and so has an anonymous caller from another IP.
    const other = bearer(await api.tokenFor({ role: 'auditor', sub: 'calm-auditor' }));
    expect((await api.call('GET', '/health', undefined, other)).status).toBe(200);
    const fromIp = (ip: string) =>
      api.app.inject({ method: 'GET', url: '/health', remoteAddress: ip }).then((r) => r.statusCode);
    const first: number[] = [];
    for (let i = 0; i < 6; i++) first.push(await fromIp('10.0.0.1'));
    expect(first).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await fromIp('10.0.0.2')).toBe(200);
  });
});

describe('security headers and CORS', () => {
  let api: TestApi;
  beforeAll(
    async () =>
      (api = await startTestApi({ CORS_ORIGINS: 'https://results.example.org, https://press.example.org' })),
  );
  afterAll(() => api?.close());

  it('sends helmet headers with a same-origin content security policy', async () => {
    const res = await api.call('GET', '/health');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Errors carry them too.
    const refused = await api.call('GET', '/elections/x', undefined, { authorization: '' });
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
  });

  it("lets Swagger UI style itself, and keeps the screen's policy strict", async () => {
    const docs = await api.call('GET', '/docs');
    expect(docs.status).toBe(200);
    const policy = String(docs.headers['content-security-policy']);
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("img-src 'self' data:");
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('script-src');
    const screen = await api.call('GET', '/');
    expect(screen.status).toBe(200);
    expect(screen.headers['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('allows the configured origins and no other', async () => {
    const preflight = (origin: string) =>
      api.app.inject({
        method: 'OPTIONS',
        url: '/elections/x/tallies',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight('https://press.example.org');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://press.example.org');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    const refused = await preflight('https://evil.example.com');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await api.call('GET', '/health', undefined, { origin: 'https://evil.example.com' });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });
});
