import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Action, Actor, mayPerform } from '@tally/domain';
import type { FastifyRequest } from 'fastify';
import { ALLOWED_ACTIONS, PUBLIC_ROUTE } from './access.decorators';
import { AuthErrorCode, forbidden, tokenMissing, tokenRefused } from './auth.problems';
import { TokenVerifier } from './token-verifier';

export type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/**
 * Denies by default. A token that is sent is verified on every route, public ones included (a present but invalid
 * token is 401 everywhere: a client with a broken token learns it at once). Public routes then pass; others need a
 * token whose role may perform one of the route's actions.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined) {
      try {
        request.actor = await this.verifier.verify(token);
      } catch (error) {
        this.logger.debug(`request ${String(request.id)}: token refused from ${request.ip}`);
        throw error;
      }
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const actions = this.reflector.getAllAndOverride<Action[] | undefined>(ALLOWED_ACTIONS, targets);
    if (!actions) {
      throw forbidden(AuthErrorCode.FORBIDDEN, 'This endpoint declares no access rule, so it is closed');
    }
    if (!request.actor) throw tokenMissing();
    const decisions = actions.map((action) => mayPerform(request.actor!, action));
    const refusal = decisions.find((decision) => !decision.allowed);
    if (decisions.some((decision) => decision.allowed) || !refusal || refusal.allowed) return true;
    throw forbidden(refusal.code, refusal.reason);
  }
}

/** The token of `Authorization: Bearer <token>`; undefined when no header (or an empty one) was sent. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer +([A-Za-z0-9_.~+/-]+=*) *$/i.exec(header);
  if (!match) throw tokenRefused(false, 'Send the token as Authorization: Bearer <token>');
  return match[1];
}
