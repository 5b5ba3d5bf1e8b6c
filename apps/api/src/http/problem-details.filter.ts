import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@tally/domain';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '@tally/event-store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  stale: 412,
  forbidden: 403,
};

const TITLE_OF_KIND: Record<DomainErrorKind, string> = {
  invalid: 'The facts break a rule',
  not_found: 'Not found',
  conflict: 'Conflict',
  stale: 'The resource has changed',
  forbidden: 'Forbidden',
};

/**
 * Errors raised below the controllers (routing, body parsing, static files, the HTTP parser) that reach the filter
 * as HttpException or as a Fastify error carrying only a status.
 */
export const HTTP_PROBLEMS: Record<number, { title: string; code: string }> = {
  400: { title: 'The request is malformed', code: 'REQUEST.INVALID' },
  403: { title: 'Forbidden', code: 'REQUEST.FORBIDDEN' },
  404: { title: 'Not found', code: 'ROUTE.NOT_FOUND' },
  405: { title: 'Method not allowed', code: 'REQUEST.METHOD_NOT_ALLOWED' },
  408: { title: 'The request took too long to arrive', code: 'REQUEST.TIMEOUT' },
  413: { title: 'The request body is too large', code: 'REQUEST.BODY_TOO_LARGE' },
  414: { title: 'The URI is too long', code: 'REQUEST.URI_TOO_LONG' },
  415: { title: 'Unsupported media type: send application/json', code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' },
  416: { title: 'Range not satisfiable', code: 'REQUEST.RANGE_NOT_SATISFIABLE' },
  417: { title: 'Expectation failed', code: 'REQUEST.EXPECTATION_FAILED' },
  429: { title: 'Too many requests', code: 'REQUEST.RATE_LIMITED' },
  431: { title: 'The request headers are too large', code: 'REQUEST.HEADERS_TOO_LARGE' },
};

/** Fastify's limit on one path parameter (its default, kept): longer is 414 REQUEST.URI_TOO_LONG. */
export const MAX_PARAM_LENGTH = 100;

/** Fastify's router errors (answered through `frameworkErrors`, before any hook or route). */
const FASTIFY_PROBLEMS: Record<string, () => Mapped['problem']> = {
  FST_ERR_MAX_PARAM_LENGTH: () => ({
    ...HTTP_PROBLEMS[414],
    status: 414,
    detail: `A path segment is longer than ${MAX_PARAM_LENGTH} characters`,
  }),
  FST_ERR_BAD_URL: () => ({
    ...HTTP_PROBLEMS[400],
    status: 400,
    detail: 'The URL is not valid percent-encoded UTF-8',
    errors: [{ field: 'url', message: 'is not valid percent-encoded UTF-8' }],
  }),
};

export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: ProblemDetails;
}

interface Mapped {
  problem: { title: string; status: number; detail: string; code: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The one place where errors become HTTP responses: RFC 9457 problem+json, stable codes, never a stack trace. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.reply(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Also Fastify's `frameworkErrors` handler: errors of the router, before Nest sees the request. */
  reply(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const response = this.respond(exception, {
      requestId: String(request.id),
      method: request.method,
      url: request.url,
    });
    void reply.status(response.status).headers(response.headers).send(response.body);
  }

  /** The problem+json answer to `exception`; errors of the server (5xx) are logged with the request id. */
  respond(
    exception: unknown,
    request: { requestId: string; method?: string; url?: string },
  ): ProblemResponse {
    const mapped = this.map(exception);
    if (mapped.problem.status >= 500) {
      this.logger.error(
        `request ${request.requestId} ${request.method} ${request.url} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    const body: ProblemDetails = {
      type: problemType(mapped.problem.code),
      ...mapped.problem,
      ...(request.url !== undefined ? { instance: request.url } : {}),
      requestId: request.requestId,
    };
    return {
      status: body.status,
      headers: { ...(mapped.headers ?? {}), 'content-type': PROBLEM_CONTENT_TYPE },
      body,
    };
  }

  map(exception: unknown): Mapped {
    if (exception instanceof DomainError) {
      return {
        problem: {
          title: TITLE_OF_KIND[exception.kind],
          status: STATUS_OF_KIND[exception.kind],
          detail: exception.message,
          code: exception.code,
          ...(exception.violations.length > 0 ? { violations: exception.violations } : {}),
          ...exception.details,
        },
      };
    }
    if (exception instanceof HttpProblem) {
      return {
        problem: {
          title: exception.title,
          status: exception.status,
          detail: exception.message,
          code: exception.code,
          ...exception.extensions,
        },
        headers: exception.headers,
      };
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return {
        problem: {
          title: 'The resource has changed',
          status: 412,
          detail: 'Another change was recorded first; read the current revision and try again',
          code: 'STREAM.REVISION_CONFLICT',
          currentRevision: exception.actual,
        },
      };
    }
    if (exception instanceof DuplicateEventIdError) {
      return {
        problem: {
          title: 'Conflict',
          status: 409,
          detail: 'This id was already used for a different request',
          code: 'REQUEST.ID_REUSED',
        },
      };
    }
    if (exception instanceof HttpException) return this.mapHttpException(exception);
    const fastifyError = exception as { statusCode?: number; message?: string; code?: unknown };
    const fastifyProblem =
      typeof fastifyError?.code === 'string' ? FASTIFY_PROBLEMS[fastifyError.code] : undefined;
    if (fastifyProblem) return { problem: fastifyProblem() };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      return this.mapHttpException(
        new HttpException(fastifyError.message ?? 'The request could not be read', status),
      );
    }
    return {
      problem: {
        title: 'Internal error',
        status: 500,
        detail: 'The server failed to handle this request; it has been logged with the request id',
        code: 'INTERNAL',
      },
    };
  }

  private mapHttpException(exception: HttpException): Mapped {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const detail =
      typeof response === 'object' && response !== null && 'message' in response
        ? [(response as { message: unknown }).message].flat().join('; ')
        : exception.message;
    const known = HTTP_PROBLEMS[status];
    return {
      problem: {
        title: known?.title ?? (status >= 500 ? 'Internal error' : 'Request refused'),
        status,
        detail: status >= 500 ? 'The server failed to handle this request' : detail,
        code: known?.code ?? (status >= 500 ? 'INTERNAL' : `HTTP.${status}`),
        // A body Fastify could not read (bad JSON, empty JSON body) is one bad field: the body itself.
        ...(status === 400 ? { errors: [{ field: 'body', message: detail }] } : {}),
      },
    };
  }
}
