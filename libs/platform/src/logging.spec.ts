import { Writable } from 'node:stream';
import { loadConfig } from './config';
import { createAppLogger, logFormat, scrubSecrets } from './logging';

const config = (env: Record<string, string> = {}) => loadConfig({ JWT_SECRET: 'x'.repeat(40), ...env });

/** A stream that keeps what it is given, and says whether it is a terminal. */
function sink(isTTY: boolean) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY }), lines };
}

describe('log format', () => {
  it('is pretty only in development on a terminal, unless LOG_FORMAT says otherwise', () => {
    expect(logFormat(config({ NODE_ENV: 'development' }), { isTTY: true })).toBe('pretty');
    expect(logFormat(config({ NODE_ENV: 'development' }), { isTTY: false })).toBe('json');
    expect(logFormat(config({ NODE_ENV: 'test' }), { isTTY: true })).toBe('json');
    expect(logFormat(config({ NODE_ENV: 'development', LOG_FORMAT: 'json' }), { isTTY: true })).toBe('json');
    expect(logFormat(config({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }), { isTTY: false })).toBe(
      'pretty',
    );
  });

  it('refuses an unknown LOG_FORMAT', () => {
    expect(() => config({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be "json" or "pretty"');
  });

  it('writes pretty lines, not JSON, on a development terminal', () => {
    const { stream, lines } = sink(true);
    createAppLogger(config({ NODE_ENV: 'development' }), stream).log('hello', 'main');
    expect(lines.join('\n')).toContain('[main] hello');
    expect(() => JSON.parse(lines[0])).toThrow();
  });
});

describe('secrets in logs', () => {
  it.each([
    ['Bearer abc.def.ghi', '[redacted]'],
    ['authorization: bearer token123', 'authorization: [redacted]'],
    ['basic checks passed', 'basic checks passed'],
    ['got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln from x', 'got [redacted] from x'],
    ['alg none: eyJhbGciOiJub25lIn0.e30.', 'alg none: [redacted]'],
    ['nothing secret here', 'nothing secret here'],
  ])('%s → %s', (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it('never writes a token, a cookie or an authorization header, in the message or in a field', () => {
    const { stream, lines } = sink(false);
    const logger = createAppLogger(config({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }), stream);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl';
    logger.debug(
      `token ${jwt} refused`,
      { headers: { authorization: `Bearer ${jwt}`, cookie: 'sid=1' } },
      'auth',
    );
    logger.warn('fields', { token: 'opaque-secret', nested: { password: 'hunter2', note: `Bearer ${jwt}` } });
    logger.error(new Error(`failed with ${jwt}`));
    const all = lines.join('\n');
    for (const secret of [jwt, 'sid=1', 'opaque-secret', 'hunter2']) expect(all).not.toContain(secret);
    const [first, second, third] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ level: 'debug', context: 'auth', msg: 'token [redacted] refused' });
    expect(first.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(second).toMatchObject({ level: 'warn', token: '[redacted]', nested: { password: '[redacted]' } });
    expect(third).toMatchObject({
      level: 'error',
      err: { type: 'Error', message: 'failed with [redacted]' },
    });
  });
});
