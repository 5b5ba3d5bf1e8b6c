/** An RFC 9457 problem details body. `code` is stable and documented; `type` is derived from it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemType(code: string): string {
  return `urn:tally-ledger:problem:${code}`;
}

/** An error the HTTP layer raises itself (not from the domain), already carrying its status and code. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** 400: the request is malformed. Names every offending field. */
export class RequestValidationProblem extends HttpProblem {
  constructor(readonly errors: FieldError[]) {
    super(
      400,
      'REQUEST.INVALID',
      'The request is malformed',
      `${errors.length} field(s) are invalid: ${errors
        .slice(0, 5)
        .map((e) => e.field)
        .join(', ')}${errors.length > 5 ? ', …' : ''}`,
      { errors },
    );
  }
}
