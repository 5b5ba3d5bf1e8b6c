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

  /** Where the embedded PostgreSQL keeps its data (git-ignored, kept across restarts). */
  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

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

  /** How long a query with ?minPosition= waits for the read models to catch up. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  READ_WAIT_TIMEOUT_MS = 5000;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Largest accepted request body, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 10 * 1024 * 1024;

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
  return config;
}
