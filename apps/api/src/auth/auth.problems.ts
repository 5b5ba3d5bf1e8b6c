import { HttpProblem } from '../http/problem';

export const AuthErrorCode = {
  TOKEN_MISSING: 'AUTH.TOKEN_MISSING',
  TOKEN_INVALID: 'AUTH.TOKEN_INVALID',
  TOKEN_EXPIRED: 'AUTH.TOKEN_EXPIRED',
  FORBIDDEN: 'AUTH.FORBIDDEN',
} as const;

const REALM = 'Bearer realm="tally-ledger"';

/** 401 without a token: RFC 6750 asks for a bare challenge. */
export function tokenMissing(): HttpProblem {
  return new HttpProblem(
    401,
    AuthErrorCode.TOKEN_MISSING,
    'Authentication required',
    'This endpoint needs a bearer token: send Authorization: Bearer <token>',
    {},
    { 'www-authenticate': REALM },
  );
}

/** 401 for a token that was sent but cannot be trusted; the detail never repeats the token. */
export function tokenRefused(expired: boolean, detail: string): HttpProblem {
  return new HttpProblem(
    401,
    expired ? AuthErrorCode.TOKEN_EXPIRED : AuthErrorCode.TOKEN_INVALID,
    expired ? 'The token has expired' : 'The token is not valid',
    detail,
    {},
    {
      'www-authenticate': `${REALM}, error="invalid_token", error_description="${expired ? 'expired' : 'invalid'}"`,
    },
  );
}

export function forbidden(code: string, detail: string): HttpProblem {
  return new HttpProblem(403, code, 'Forbidden', detail);
}
