import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiResponseOptions,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';

@ApiSchema({ name: 'FieldError' })
export class FieldErrorDto {
  @ApiProperty({
    example: 'votersVoted',
    description: 'The offending field (a JSON path, a header or `body`)',
  })
  field!: string;
  @ApiProperty({ example: 'votersVoted must not be less than 0' }) message!: string;
}

@ApiSchema({ name: 'RuleViolation' })
export class RuleViolationDto {
  @ApiProperty({ example: 'TALLY.VOTES_EXCEED_SEATS_CAP' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ example: 'candidateVotes.na-02-1', description: 'JSON path of the offending field' })
  field?: string;
}

/** RFC 9457 problem details. Extension members (e.g. `currentRevision` on a 412) may appear besides these. */
@ApiSchema({ name: 'ProblemDetails' })
export class ProblemDetailsDto {
  @ApiProperty({ example: 'urn:tally-ledger:problem:TALLY.VOTES_EXCEED_SEATS_CAP' }) type!: string;
  @ApiProperty({ example: 'The facts break a rule' }) title!: string;
  @ApiProperty({ type: 'integer', example: 422 }) status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty({ example: 'TALLY.VOTES_EXCEED_SEATS_CAP', description: 'Stable error code' }) code!: string;
  @ApiPropertyOptional({ description: 'The request path' }) instance?: string;
  @ApiPropertyOptional({ description: 'Also the x-request-id header: the server log has the details' })
  requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: '400: every malformed field' })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    type: [RuleViolationDto],
    description: '422: every broken rule (the first one is `code`)',
  })
  violations?: RuleViolationDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (REQUEST.INVALID names every field)',
  401: 'No token (AUTH.TOKEN_MISSING), or an invalid or expired one (AUTH.TOKEN_INVALID, AUTH.TOKEN_EXPIRED)',
  403: 'The role may not do this (AUTH.FORBIDDEN), or not in this district (AUTH.OUT_OF_SCOPE)',
  404: 'Unknown election, polling area, contest or sheet',
  409: 'Conflict: already defined / already submitted / id reused',
  412: 'Stale If-Match: the sheet changed since it was read',
  413: 'The body is larger than BODY_LIMIT_BYTES',
  415: 'The body is not application/json',
  422: 'The facts break a rule (stable code per rule; nothing is appended)',
  428: 'If-Match is required',
  429: 'Too many requests for this token or IP (REQUEST.RATE_LIMITED, Retry-After)',
  500: 'Internal error (INTERNAL): logged with the request id, no details in the answer',
  503: 'The read models have not reached minPosition in time (RESULTS.NOT_CAUGHT_UP), or this api process already runs and queues all the time-travel folds it may (TIME_TRAVEL.BUSY); Retry-After',
};

/** One problem+json response for the document: `problemResponse(429)`. */
export function problemResponse(status: number): ApiResponseOptions {
  return {
    status,
    description: DESCRIPTIONS[status] ?? 'Problem',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
  };
}

/** Documents the problem+json responses of an endpoint: `@ApiProblems(400, 404, 422)`. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...statuses.map((status) => ApiResponse(problemResponse(status))),
  );
}
