import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Action } from '@tally/domain';
import { ApiProblems } from '../http/api-problem.decorator';

export const PUBLIC_ROUTE = 'tally:public';
export const ALLOWED_ACTIONS = 'tally:actions';

/** Anyone may call this route, without a token. A token that is sent must still be valid. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The route needs a token whose role may perform one of these actions (libs/domain access policy). District scope is
 * checked where the polling area is known (handlers, DistrictScope). A route with neither decorator is refused.
 */
export const Allow = (...actions: [Action, ...Action[]]) =>
  applyDecorators(SetMetadata(ALLOWED_ACTIONS, actions), ApiBearerAuth(), ApiProblems(401, 403));
