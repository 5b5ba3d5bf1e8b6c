import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpProblem, RequestValidationProblem } from './problem';
import { HTTP_PROBLEMS, ProblemDetailsFilter, ProblemResponse } from './problem-details.filter';
import { requestAnswered } from './request-log';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's x-request-id is kept (so its retries can be traced); otherwise one is made. */
export function requestIdOf(headers: IncomingMessage['headers']): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What Node's HTTP parser refuses, by its error code, before Fastify sees a request. */
function parserProblem(code: string | undefined): HttpProblem {
  const known = (status: number, detail: string) =>
    new HttpProblem(status, HTTP_PROBLEMS[status].code, HTTP_PROBLEMS[status].title, detail);
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return known(431, 'The request line and headers together exceed 16 KiB');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return known(408, 'The request did not arrive in time');
    default:
      return new HttpProblem(
        400,
        'REQUEST.MALFORMED_HTTP',
        'The request is not valid HTTP/1.1',
        `The HTTP parser refused the request (${code ?? 'unknown error'})`,
      );
  }
}

/** A whole HTTP/1.1 response, for a socket on which Node's parser gave up: nothing else can answer there. */
function rawResponse({ status, headers, body }: ProblemResponse): string {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(text)}`,
    `x-request-id: ${body.requestId}`,
    'x-content-type-options: nosniff',
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${text}`;
}

/**
 * Routes every error the HTTP layer makes itself through the problem details filter, so that no answer is
 * Fastify's or Node's own JSON: the router's (`frameworkErrors`: a path parameter over 100 characters, bad
 * percent-encoding), the parser's (`clientErrorHandler`: 431 for oversized headers, 400 for malformed HTTP, 408),
 * an `Expect` other than 100-continue (417) and a missing Host header (400).
 */
export class FrameworkErrors {
  private readonly logger = new Logger('http');

  constructor(private readonly filter = new ProblemDetailsFilter()) {}

  /** Fastify's `frameworkErrors` option. */
  readonly router = (error: Error, request: unknown, reply: unknown): void => {
    const [req, res] = [request as FastifyRequest, reply as FastifyReply];
    // No hook runs for these requests: the request log line (and metrics) are told here.
    res.raw.once('finish', () => requestAnswered(req, res));
    this.filter.reply(error, req, res);
  };

  /** Fastify's `clientErrorHandler` option: Node's 'clientError' on the raw socket. */
  readonly client = (error: Error & { code?: string }, socket: Duplex): void => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem = parserProblem(error.code);
    const requestId = randomUUID();
    this.logger.debug('client error', {
      requestId,
      status: problem.status,
      code: problem.code,
      error: error.code,
    });
    // Never write into the middle of a response already under way on this connection (keep-alive, pipelining).
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      socket.write(rawResponse(this.filter.respond(problem, { requestId })));
    }
    socket.destroy();
  };

  /** Node's 'checkExpectation' event: without a listener Node answers 417 with an empty body. */
  readonly expectation = (request: IncomingMessage, res: ServerResponse): void => {
    const problem = new HttpProblem(
      417,
      HTTP_PROBLEMS[417].code,
      HTTP_PROBLEMS[417].title,
      'Only "Expect: 100-continue" is supported',
    );
    const response = this.filter.respond(problem, {
      requestId: requestIdOf(request.headers),
      method: request.method,
      url: request.url,
    });
    const { status, headers, body } = response;
    this.logger.debug('request', { requestId: body.requestId, method: request.method, status, route: null });
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-length': Buffer.byteLength(text),
      'x-request-id': body.requestId!,
      connection: 'close',
    });
    res.end(text);
  };
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node checks it itself and answers 400 with an empty body, so its
 * check is off (`requireHostHeader: false`) and this onRequest hook refuses the request as problem+json instead.
 */
export async function requireHostHeader(request: {
  raw: { httpVersion: string };
  headers: IncomingMessage['headers'];
}): Promise<void> {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    throw new RequestValidationProblem([{ field: 'Host', message: 'is required in HTTP/1.1' }]);
  }
}
