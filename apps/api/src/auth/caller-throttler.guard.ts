import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.guard';

/**
 * One budget per caller across all endpoints: per token subject when a valid token was sent (the AuthGuard ran
 * first and put the actor on the request), else per client IP. A district office behind one NAT with its own
 * tokens is therefore not limited by the press room next door.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { actor, ip } = request as unknown as AuthenticatedRequest;
    return Promise.resolve(actor && actor.id !== 'anonymous' ? `sub:${actor.id}` : `ip:${ip}`);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}
