import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded PostgreSQL, the postgres event store and inline projections', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATABASE_URL: undefined,
      EMBEDDED_PG_DIR: '.data/postgres',
      EMBEDDED_PG_PORT: undefined,
      EMBEDDED_PG_DEFAULT_PORT: 54329,
      EVENT_STORE: 'postgres',
      PROJECTIONS: 'inline',
      READ_WAIT_TIMEOUT_MS: 5000,
    });
  });

  it('tells a configured embedded port from the default one (only the configured one may refuse a running server)', () => {
    expect(loadConfig({ EMBEDDED_PG_PORT: '55001' })).toMatchObject({
      EMBEDDED_PG_PORT: 55001,
      EMBEDDED_PG_DEFAULT_PORT: 54329,
    });
    expect(loadConfig({ EMBEDDED_PG_PORT: '' }).EMBEDDED_PG_PORT).toBeUndefined();
    expect(loadConfig({ EMBEDDED_PG_DEFAULT_PORT: '55002' }).EMBEDDED_PG_PORT).toBeUndefined();
    expect(() => loadConfig({ EMBEDDED_PG_PORT: '70000' })).toThrow(/EMBEDDED_PG_PORT/);
  });

  it('reads typed values from the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/tally',
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false',
      PROJECTIONS: 'off',
    });
    expect(config).toMatchObject({ PORT: 8080, EVENT_STORE: 'kurrentdb', PROJECTIONS: 'off' });
  });

  it('keeps 4 time-travel folds by default, 0 to 64 when set', () => {
    expect(loadConfig({}).TIME_TRAVEL_FOLDS_KEPT).toBe(4);
    expect(loadConfig({ TIME_TRAVEL_FOLDS_KEPT: '0' }).TIME_TRAVEL_FOLDS_KEPT).toBe(0);
    expect(loadConfig({ TIME_TRAVEL_FOLDS_KEPT: '64' }).TIME_TRAVEL_FOLDS_KEPT).toBe(64);
    for (const bad of ['-1', '65', 'many', '2.5'])
      expect(() => loadConfig({ TIME_TRAVEL_FOLDS_KEPT: bad })).toThrow(/TIME_TRAVEL_FOLDS_KEPT/);
  });

  it('runs 1 time-travel fold at once with 8 waiting by default, 1 to 16 and 0 to 1000 when set', () => {
    expect(loadConfig({})).toMatchObject({ TIME_TRAVEL_FOLDS_AT_ONCE: 1, TIME_TRAVEL_FOLDS_WAITING: 8 });
    expect(loadConfig({ TIME_TRAVEL_FOLDS_AT_ONCE: '16', TIME_TRAVEL_FOLDS_WAITING: '0' })).toMatchObject({
      TIME_TRAVEL_FOLDS_AT_ONCE: 16,
      TIME_TRAVEL_FOLDS_WAITING: 0,
    });
    expect(loadConfig({ TIME_TRAVEL_FOLDS_WAITING: '1000' }).TIME_TRAVEL_FOLDS_WAITING).toBe(1000);
    for (const bad of ['0', '17', 'two', '1.5'])
      expect(() => loadConfig({ TIME_TRAVEL_FOLDS_AT_ONCE: bad })).toThrow(/TIME_TRAVEL_FOLDS_AT_ONCE/);
    for (const bad of ['-1', '1001', 'lots', '0.5'])
      expect(() => loadConfig({ TIME_TRAVEL_FOLDS_WAITING: bad })).toThrow(/TIME_TRAVEL_FOLDS_WAITING/);
  });

  it('folds time travel in a worker thread by default, on the main thread when asked', () => {
    expect(loadConfig({}).TIME_TRAVEL_FOLDS_THREAD).toBe('worker');
    expect(loadConfig({ TIME_TRAVEL_FOLDS_THREAD: 'main' }).TIME_TRAVEL_FOLDS_THREAD).toBe('main');
    for (const bad of ['', 'thread', 'Worker'])
      expect(() => loadConfig({ TIME_TRAVEL_FOLDS_THREAD: bad })).toThrow(/TIME_TRAVEL_FOLDS_THREAD/);
  });

  it('refuses bad values, naming every one of them', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        EVENT_STORE: 'kurrentdb',
        PROJECTIONS: 'sometimes',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'DATABASE_URL', 'KURRENTDB_CONNECTION_STRING', 'PROJECTIONS']) {
      expect(message).toContain(name);
    }
  });
});

describe('scan storage settings', () => {
  it('default to PostgreSQL and 10 MB', () => {
    expect(loadConfig({})).toMatchObject({ SCAN_STORE: 'postgres', SCAN_LIMIT_BYTES: 10 * 1024 * 1024 });
  });

  it('read an S3-compatible bucket', () => {
    const config = loadConfig({
      SCAN_STORE: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'scans',
      S3_ACCESS_KEY_ID: 'tally',
      S3_SECRET_ACCESS_KEY: 'tally-scans',
      SCAN_LIMIT_BYTES: '2048',
    });
    expect(config).toMatchObject({
      SCAN_STORE: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      SCAN_LIMIT_BYTES: 2048,
    });
  });

  it('refuse bad values, naming each', () => {
    let message = '';
    try {
      loadConfig({
        SCAN_STORE: 'ftp',
        S3_ENDPOINT: 'minio:9000',
        S3_BUCKET: 'No_Caps',
        SCAN_LIMIT_BYTES: '10',
      });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    for (const name of ['SCAN_STORE', 'S3_ENDPOINT', 'S3_BUCKET', 'SCAN_LIMIT_BYTES'])
      expect(message).toContain(name);
    expect(() => loadConfig({ S3_ACCESS_KEY_ID: 'only-half' })).toThrow('go together');
  });
});
