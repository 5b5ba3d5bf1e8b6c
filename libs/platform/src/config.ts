import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { checkpointKeyProblems } from './checkpoint-keys';
import { jwtKeyProblems } from './jwt-keys';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting the processes read, validated once at start-up. Modules receive this typed object;
 * nothing else reads process.env.
 */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** An existing PostgreSQL for the events (postgres store) and the read models; unset = embedded server. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /**
   * A streaming replica of the read-model database: the read-only queries (results, turnout, audit) go there;
   * `?minPosition=` waits up to READ_REPLICA_WAIT_MS for it to replay that position, else reads the primary.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_READ_URL must be a postgres:// or postgresql:// URL',
  })
  DATABASE_READ_URL?: string;

  /** How long `?minPosition=` waits for the replica to replay a position before it reads the primary. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  READ_REPLICA_WAIT_MS = 1000;

  /** Where the embedded PostgreSQL keeps its data (git-ignored, kept across restarts). */
  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  /**
   * The embedded server's port. Unset: the port of the server already running on EMBEDDED_PG_DIR (read from its
   * postmaster.pid), or EMBEDDED_PG_DEFAULT_PORT for a new one. Set, a running server on another port is refused.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT?: number;

  /**
   * The port a newly started embedded server takes when EMBEDDED_PG_PORT is unset. Unlike EMBEDDED_PG_PORT it is not a
   * configured port: it never overrides (or conflicts with) the port of a server already running on EMBEDDED_PG_DIR.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_DEFAULT_PORT = 54329;

  @IsIn(['postgres', 'kurrentdb'], { message: 'EVENT_STORE must be "postgres" or "kurrentdb"' })
  EVENT_STORE: 'postgres' | 'kurrentdb' = 'postgres';

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'kurrentdb' || c.KURRENTDB_CONNECTION_STRING !== undefined)
  @Matches(/^(esdb|kurrentdb|kdb|esdb\+discover|kurrentdb\+discover|kdb\+discover):\/\/.+/, {
    message:
      'KURRENTDB_CONNECTION_STRING is required with EVENT_STORE=kurrentdb, e.g. kurrentdb://localhost:2113?tls=false',
  })
  KURRENTDB_CONNECTION_STRING?: string;

  /** `inline`: this process runs the projections (elected by an advisory lock); `off`: a projector process does. */
  @IsIn(['inline', 'off'], { message: 'PROJECTIONS must be "inline" or "off"' })
  PROJECTIONS: 'inline' | 'off' = 'inline';

  /**
   * After a short batch, a projection waits this long before taking the next one, so that sheets arriving together
   * are projected in one transaction: fewer statements per sheet under load, at most this much extra lag.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000)
  PROJECTION_LINGER_MS = 20;

  /**
   * Time travel (?atPosition=, ?asOf=): the folds an api process keeps. A request goes on from the latest kept fold
   * of its election at or before its position (the same position again is answered at once); 0 keeps none.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  TIME_TRAVEL_FOLDS_KEPT = 4;

  /**
   * Time travel: the folds an api process runs at once (a fold of a national night holds its thread for seconds,
   * and time travel is public). A position answered by a kept fold never waits.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  TIME_TRAVEL_FOLDS_AT_ONCE = 1;

  /**
   * Time travel: where the folds run. `worker` (the default): a worker thread of the api process with a connection
   * of its own to the event store, so a fold of a national night never holds the thread that answers submissions;
   * `main`: the api's own thread (a store that exists only in this process, e.g. a test's decorated one, needs it).
   */
  @IsIn(['worker', 'main'], { message: 'TIME_TRAVEL_FOLDS_THREAD must be "worker" or "main"' })
  TIME_TRAVEL_FOLDS_THREAD: 'worker' | 'main' = 'worker';

  /** Time travel: the folds that may wait for their turn; beyond them a request is 503 TIME_TRAVEL.BUSY. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  TIME_TRAVEL_FOLDS_WAITING = 8;

  /** How long a query with ?minPosition= waits for the read models to catch up. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  READ_WAIT_TIMEOUT_MS = 5000;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /**
   * GET /metrics on the api's own port needs `Authorization: Bearer <METRICS_TOKEN>`; without a token it is not
   * served there (404). At least 16 characters.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\S{16,512}$/, { message: 'METRICS_TOKEN must be 16 to 512 characters without spaces' })
  METRICS_TOKEN?: string;

  /** GET /metrics on a port of its own, without a token (api and projector); off when unset. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** Where METRICS_PORT listens: loopback by default, so only the machine (or its scraper sidecar) reaches it. */
  @IsString()
  METRICS_HOST = '127.0.0.1';

  /** `json` (one object per line) or `pretty`; unset: pretty in development on a terminal, JSON otherwise. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be "json" or "pretty"' })
  LOG_FORMAT?: 'json' | 'pretty';

  /** Largest accepted request body, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 10 * 1024 * 1024;

  /** Largest election definition (POST /elections), in bytes: a national one with every polling area is ~17 MB. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  DEFINITION_LIMIT_BYTES = 64 * 1024 * 1024;

  /**
   * SIGTERM: how long the api may take to drain (finish the requests in flight, end the live streams, stop the
   * projections, close the stores) before it exits anyway, with code 1.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS = 9000;

  /** `production` refuses to start without a real JWT key; elsewhere a dev secret is generated once. */
  @IsIn(['development', 'production', 'test'], {
    message: 'NODE_ENV must be "development", "production" or "test"',
  })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** HS256 signing secret, at least 32 bytes. Unset in development: `.data/dev-jwt-secret` is generated. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  /** PEM public key (RSA → RS256, EC P-256 → ES256) that verifies tokens; instead of JWT_SECRET. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  /** PEM private key matching JWT_PUBLIC_KEY: only the CLI's `token` command needs it, to mint tokens. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  @IsString()
  @Matches(/^\S{1,256}$/, { message: 'JWT_ISSUER must be a non-empty string without spaces' })
  JWT_ISSUER = 'tally-ledger';

  @IsString()
  @Matches(/^\S{1,256}$/, { message: 'JWT_AUDIENCE must be a non-empty string without spaces' })
  JWT_AUDIENCE = 'tally-ledger-api';

  /** Tolerated clock difference between the token issuer and this server, for exp and nbf. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_SKEW_SECONDS = 30;

  /** Requests per minute per token (sub), or per IP without a token. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 1200;

  /** Comma-separated browser origins allowed by CORS, e.g. `https://results.example.org`; none by default. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://results.example.org',
  })
  CORS_ORIGINS?: string;
  /** GET /elections/{e}/live: a heartbeat comment this often, so proxies keep the stream open. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(300_000)
  LIVE_HEARTBEAT_MS = 15_000;

  /** GET /elections/{e}/live: how often the read models' position is checked while streams are open. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(5_000)
  LIVE_POLL_MS = 50;

  /**
   * GET /elections/{e}/live: at most one update per election this often. Every open stream of the process shares
   * it, and one update covers what came in since the last, so a busy night sends deltas, not a flood.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  LIVE_UPDATE_INTERVAL_MS = 600;

  /** GET /elections/{e}/live: a viewer whose socket has not drained for this long is cut (it resumes by itself). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  LIVE_SLOW_CLIENT_MS = 15_000;

  /** GET /elections/{e}/live: bytes of recent updates kept per election (and ?contest=), to resume without a snapshot. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_073_741_824)
  LIVE_HISTORY_BYTES = 8_388_608;

  /** GET /elections/{e}/live: an election's shared stream keeps following this long after its last viewer left. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  LIVE_IDLE_MS = 120_000;

  /** Public results: `Cache-Control: public, max-age=<this>` (seconds), so a proxy or CDN can serve the public. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600)
  RESULTS_MAX_AGE_SECONDS = 2;

  /** Where the scanned counting records are kept: `postgres` (a table next to the events) or an S3-compatible bucket. */
  @IsIn(['postgres', 's3'], { message: 'SCAN_STORE must be "postgres" or "s3"' })
  SCAN_STORE: 'postgres' | 's3' = 'postgres';

  /** Largest scan accepted by PUT …/scan, in bytes (413 above it). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  SCAN_LIMIT_BYTES = 10 * 1024 * 1024;

  /** SCAN_STORE=s3: the server, e.g. http://minio:9000; unset for AWS S3 itself (then S3_REGION says where). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'S3_ENDPOINT must be an http:// or https:// URL' })
  S3_ENDPOINT?: string;

  @IsString()
  @Matches(/^[a-z0-9-]{2,64}$/, { message: 'S3_REGION must look like us-east-1' })
  S3_REGION = 'us-east-1';

  @IsString()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'S3_BUCKET must be a bucket name: 3-63 lowercase letters, digits, dots and dashes',
  })
  S3_BUCKET = 'tally-ledger-scans';

  /** Static credentials; unset = the SDK's default chain (instance role, AWS_* variables, profile). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** Bucket in the path (MinIO and most S3-compatible servers) rather than in the host name. */
  @IsIn(['true', 'false'], { message: 'S3_FORCE_PATH_STYLE must be "true" or "false"' })
  S3_FORCE_PATH_STYLE: 'true' | 'false' = 'true';

  /**
   * PEM Ed25519 private key that signs the audit checkpoints. Unset outside production:
   * `.data/dev-checkpoint-key.pem` is generated once. Production refuses to start without one.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CHECKPOINT_SIGNING_KEY?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const picked = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => value !== undefined && (known.includes(key) || key.startsWith('KURRENTDB')),
    ),
  );
  const config = plainToInstance(AppConfig, picked, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.flatMap((e) =>
        Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)),
      ),
    );
  }
  const keyProblems = [...jwtKeyProblems(config), ...checkpointKeyProblems(config), ...s3Problems(config)];
  if (keyProblems.length > 0) throw new ConfigError(keyProblems);
  return config;
}

function s3Problems(config: AppConfig): string[] {
  if ((config.S3_ACCESS_KEY_ID === undefined) === (config.S3_SECRET_ACCESS_KEY === undefined)) return [];
  return [
    'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither (the SDK default chain)',
  ];
}
