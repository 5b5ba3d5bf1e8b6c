/**
 * Every rejection the domain can make. `kind` tells the HTTP layer which status to use (one mapping, in the api's
 * problem-details filter); `code` is stable and documented, e.g. TALLY.VOTES_EXCEED_VALID_BALLOTS.
 */
export type DomainErrorKind =
  | 'invalid' // 422: the facts break a rule
  | 'not_found' // 404
  | 'conflict' // 409: e.g. already defined / already submitted
  | 'stale' // 412: the expected revision is not the current one
  | 'forbidden'; // 403: the authenticated actor may not do this (role or district scope)

export interface RuleViolation {
  code: string;
  message: string;
  /** JSON path of the offending field in the request, when there is one, e.g. "candidateVotes.na-02-1". */
  field?: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    /** For 'invalid': every rule the input breaks (the first one is `code`). */
    readonly violations: RuleViolation[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(violations: RuleViolation[]): DomainError {
    const [first] = violations;
    const message =
      violations.length === 1
        ? first.message
        : `${violations.length} rules are broken; first: ${first.message}`;
    return new DomainError('invalid', first.code, message, violations);
  }
}
