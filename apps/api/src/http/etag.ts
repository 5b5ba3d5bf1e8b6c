import { HttpProblem } from './problem';

/** The ETag of a stream revision: `"3"`. */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/** Reads `If-Match: "3"` as expected revision 3. Missing → 428; unreadable → 400. */
export function expectedRevisionFrom(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new HttpProblem(
      428,
      'TALLY.IF_MATCH_REQUIRED',
      'Precondition required',
      'A correction must say which revision it corrects: send If-Match with the ETag of the sheet (GET it first)',
    );
  }
  if (/^\s*W\//.test(ifMatch)) {
    // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches. We only hand out strong ones.
    throw new HttpProblem(
      412,
      'TALLY.REVISION_MISMATCH',
      'The resource has changed',
      'If-Match needs the strong ETag of the sheet, such as "3"; a weak ETag never matches',
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
