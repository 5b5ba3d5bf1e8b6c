import { LoggerService } from '@nestjs/common';
import pino, { Level, Logger as Pino } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from './config';

const PINO_LEVEL: Record<AppConfig['LOG_LEVEL'], Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Field names whose values never reach a log line, wherever a caller puts them. */
const SECRET_FIELDS = ['authorization', 'cookie', 'set-cookie', 'token', 'password', 'secret', 'jwt'];
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) =>
  /^\w+$/.test(field)
    ? [field, `*.${field}`, `*.headers.${field}`]
    : [`headers["${field}"]`, `*.headers["${field}"]`],
);

/** A JWT (header.payload.signature; the header always starts with `eyJ`) or a bearer token, in any text. */
const CREDENTIALS = /\bBearer\s+[^\s"',;]+|eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,2}/gi;

/** Replaces anything that looks like a token or a credential. */
export function scrubSecrets(text: string): string {
  return text.replace(CREDENTIALS, '[redacted]');
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  // pino's err serializer reads the Error itself; its output is scrubbed there.
  if (value instanceof Error) return value;
  if (depth > 4 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, depth + 1)]));
}

/**
 * `json`: one JSON object per line. `pretty`: coloured lines for a person at a terminal. Without LOG_FORMAT it is
 * pretty only in development on a terminal; anything else (a pipe, a file, a log collector, production) gets JSON.
 */
export function logFormat(
  config: AppConfig,
  stream: { isTTY?: boolean } = process.stdout,
): 'json' | 'pretty' {
  if (config.LOG_FORMAT) return config.LOG_FORMAT;
  return config.NODE_ENV === 'development' && stream.isTTY === true ? 'pretty' : 'json';
}

/**
 * The process's pino logger: level, ISO time, and whatever fields the caller gives. Authorization headers, cookies
 * and token-like fields are redacted; any text that looks like a JWT or a bearer credential is replaced.
 */
export function createPino(config: AppConfig, destination: NodeJS.WritableStream = process.stdout): Pino {
  const options: pino.LoggerOptions = {
    level: PINO_LEVEL[config.LOG_LEVEL],
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => scrubValue(fields) as Record<string, unknown>,
    },
    serializers: { err: (error: Error) => scrubValue(pino.stdSerializers.err(error)) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as never);
      },
    },
  };
  if (logFormat(config, destination as { isTTY?: boolean }) === 'json') return pino(options, destination);
  const stream = pretty({
    destination,
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return pino(options, stream);
}

/**
 * Nest's logger interface over pino, so that Nest's own lines and every `new Logger(context)` of the code base come
 * out in the same format. An object among the parameters adds fields; the last string parameter is the context
 * (Nest's convention); for `error`, a string before it is the stack.
 */
export class AppLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    for (const param of rest) {
      if (param instanceof Error) fields.err = param;
      else if (typeof param === 'string' && level === 'error') fields.stack = param;
      else if (typeof param === 'object' && param !== null) Object.assign(fields, param);
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, message: text, ...more } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...more }, String(msg ?? text ?? ''));
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

export function createAppLogger(config: AppConfig, destination?: NodeJS.WritableStream): AppLogger {
  return new AppLogger(createPino(config, destination));
}
