import { HttpProblem } from './problem';

/** The ETag of a stream revision: `"3"`. */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/** What an If-Match guards, for its codes and messages. */
const GUARDED = {
  sheet: {
    required: 'TALLY.IF_MATCH_REQUIRED',
    mismatch: 'TALLY.REVISION_MISMATCH',
    missing:
      'A change to a sheet (a correction, a resolution, a review decision) must say which revision it changes: send If-Match with the ETag of the sheet (GET it first)',
  },
  definition: {
    required: 'ELECTION.IF_MATCH_REQUIRED',
    mismatch: 'ELECTION.REVISION_MISMATCH',
    missing:
      'An amendment must say which revision of the definition it amends: send If-Match with the ETag of GET /elections/{e}',
  },
} as const;

/** Reads `If-Match: "3"` as expected revision 3. Missing → 428; weak → 412; unreadable → 400. */
export function expectedRevisionFrom(
  ifMatch: string | undefined,
  guarded: keyof typeof GUARDED = 'sheet',
): number {
  const codes = GUARDED[guarded];
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new HttpProblem(428, codes.required, 'Precondition required', codes.missing);
  }
  if (/^\s*W\//.test(ifMatch)) {
    // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches. We only hand out strong ones.
    throw new HttpProblem(
      412,
      codes.mismatch,
      'The resource has changed',
      `If-Match needs the strong ETag of the ${guarded}, such as "3"; a weak ETag never matches`,
    );
  }
  const match = /^\s*"(\d{1,15})"\s*$/.exec(ifMatch);
  if (!match) {
    throw new HttpProblem(
      400,
      'REQUEST.INVALID_IF_MATCH',
      'The request is malformed',
      'If-Match must be an ETag such as "3"',
      {
        errors: [{ field: 'If-Match', message: 'must be an ETag such as "3"' }],
      },
    );
  }
  return Number(match[1]);
}
