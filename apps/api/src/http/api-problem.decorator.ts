import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

export class ProblemDetailsSchema {
  @ApiProperty({ example: 'urn:tally-ledger:problem:TALLY.VOTES_EXCEED_SEATS_CAP' }) type!: string;
  @ApiProperty({ example: 'The facts break a rule' }) title!: string;
  @ApiProperty({ example: 422 }) status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty({ example: 'TALLY.VOTES_EXCEED_SEATS_CAP', description: 'Stable error code' }) code!: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({
    description: '400: every malformed field',
    type: 'array',
    items: { type: 'object' },
  })
  errors?: unknown[];
  @ApiPropertyOptional({ description: '422: every broken rule', type: 'array', items: { type: 'object' } })
  violations?: unknown[];
}

/** Documents the problem+json responses of an endpoint: `@ApiProblems(400, 404, 422)`. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  const descriptions: Record<number, string> = {
    400: 'Malformed request (REQUEST.INVALID names every field)',
    401: 'No token (AUTH.TOKEN_MISSING), or an invalid or expired one (AUTH.TOKEN_INVALID, AUTH.TOKEN_EXPIRED)',
    403: 'The role may not do this (AUTH.FORBIDDEN), or not in this district (AUTH.OUT_OF_SCOPE)',
    429: 'Too many requests for this token or IP (REQUEST.RATE_LIMITED, Retry-After)',
    404: 'Unknown election, polling area, contest or sheet',
    409: 'Conflict: already defined / already submitted / id reused',
    412: 'Stale If-Match: the sheet changed since it was read',
    428: 'If-Match is required',
    413: 'The body is larger than BODY_LIMIT_BYTES',
    415: 'The body is not application/json',
    422: 'The facts break a rule (stable code per rule; nothing is appended)',
    503: 'The read models have not reached minPosition in time (Retry-After)',
  };
  return applyDecorators(
    ApiExtraModels(ProblemDetailsSchema),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: descriptions[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsSchema) } } },
      }),
    ),
  );
}
