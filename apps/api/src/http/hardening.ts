import helmet from 'helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@tally/platform';
import { RequestValidationProblem } from './problem';

/** Deeper JSON than any request of this api needs; refused before validation walks it. */
export const MAX_BODY_DEPTH = 32;
/**
 * Keys that name something every object inherits (`__proto__`, `constructor`, `toString`, `valueOf`, ...) or
 * `prototype`. Besides prototype pollution, class-validator's whitelist does not see inherited names as unknown, so a
 * `toString` field would otherwise slip through `forbidNonWhitelisted` into a stored event.
 */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Walks a parsed body without recursion: the depth and the first reserved key, if any. */
export function inspectBody(body: unknown): { depth: number; reservedKey?: string } {
  let depth = 0;
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [value, level] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    depth = Math.max(depth, level);
    if (depth > MAX_BODY_DEPTH) return { depth };
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) return { depth, reservedKey: key };
      stack.push([(value as Record<string, unknown>)[key], level + 1]);
    }
  }
  return { depth };
}

const STRICT_CSP = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

/**
 * Swagger UI (`/docs`) styles itself inline and draws some icons from data: URIs; it gets those two allowances and
 * nothing else. Everything else, the press-room screen included, keeps the strict policy.
 */
export const DOCS_CSP = Object.entries({
  ...STRICT_CSP,
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
})
  .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
  .join(';');

/** Security headers, CORS from configuration, and refusal of hostile JSON shapes (400 problem+json). */
export async function hardenHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  // helmet's middleware, built once. (@fastify/helmet builds it again for every request, parsing the policy each
  // time: a few per cent of the api's CPU per submitted sheet.)
  const securityHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: STRICT_CSP } });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) =>
      securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
    );
  const origins = (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  app.enableCors({
    origin: origins.length > 0 ? origins : false,
    methods: ['GET', 'POST', 'PUT'],
    allowedHeaders: ['authorization', 'content-type', 'if-match', 'x-request-id', 'x-correlation-id'],
    exposedHeaders: ['etag', 'location', 'retry-after', 'x-request-id', 'idempotent-replayed'],
    maxAge: 600,
  });

  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      const path = request.url.split('?')[0];
      if (path === '/docs' || path.startsWith('/docs/')) reply.header('content-security-policy', DOCS_CSP);
    });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request) => {
      // A scan upload is bytes (a Buffer), not JSON: there is no structure to walk.
      if (request.body === undefined || request.body === null || Buffer.isBuffer(request.body)) return;
      const { depth, reservedKey } = inspectBody(request.body);
      if (depth > MAX_BODY_DEPTH) {
        throw new RequestValidationProblem([
          { field: 'body', message: `is nested deeper than ${MAX_BODY_DEPTH} levels` },
        ]);
      }
      if (reservedKey !== undefined) {
        throw new RequestValidationProblem([
          { field: 'body', message: `must not contain the key ${reservedKey}` },
        ]);
      }
    });
}
