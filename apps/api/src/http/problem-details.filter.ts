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

/** Errors raised below the controllers (routing, body parsing) that reach the filter as HttpException. */
const HTTP_PROBLEMS: Record<number, { title: string; code: string }> = {
  400: { title: 'The request is malformed', code: 'REQUEST.INVALID' },
  404: { title: 'Not found', code: 'ROUTE.NOT_FOUND' },
  405: { title: 'Method not allowed', code: 'REQUEST.METHOD_NOT_ALLOWED' },
  413: { title: 'The request body is too large', code: 'REQUEST.BODY_TOO_LARGE' },
  415: { title: 'Unsupported media type: send application/json', code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' },
  429: { title: 'Too many requests', code: 'REQUEST.RATE_LIMITED' },
};

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
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const mapped = this.map(exception);
    if (mapped.problem.status >= 500) {
      this.logger.error(
        `request ${request.id} ${request.method} ${request.url} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    const body: ProblemDetails = {
      type: problemType(mapped.problem.code),
      ...mapped.problem,
      instance: request.url,
      requestId: String(request.id),
    };
    void reply
      .status(body.status)
      .headers({ ...(mapped.headers ?? {}), 'content-type': PROBLEM_CONTENT_TYPE })
      .send(body);
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
    const fastifyError = exception as { statusCode?: number; message?: string };
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
