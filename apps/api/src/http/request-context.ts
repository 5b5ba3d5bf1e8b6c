import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ANONYMOUS, Actor, CommandContext } from '@tally/domain';
import type { FastifyRequest } from 'fastify';

const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The actor the auth guard set on the request; ANONYMOUS on the public endpoints, which need no token. */
export function actorOf(request: FastifyRequest): Actor {
  return (request as FastifyRequest & { actor?: Actor }).actor ?? ANONYMOUS;
}

/** The client's x-correlation-id when it is a valid trace id, else the request id. */
export function correlationIdOf(request: FastifyRequest): string {
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && TRACE_ID.test(header) ? header : String(request.id);
}

export function commandContextOf(request: FastifyRequest, now = new Date()): CommandContext {
  const requestId = String(request.id);
  const correlationId = correlationIdOf(request);
  return {
    actor: actorOf(request),
    requestId,
    correlationId,
    causationId: requestId,
    now: now.toISOString(),
  };
}

/** The command context of the current request: actor, request/correlation/causation ids and the time. */
export const Ctx = createParamDecorator((_: unknown, execution: ExecutionContext): CommandContext =>
  commandContextOf(execution.switchToHttp().getRequest<FastifyRequest>()),
);
