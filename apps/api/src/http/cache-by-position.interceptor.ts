import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { AppConfig } from '@tally/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { APP_CONFIG } from '../infrastructure/runtime';
import { etagOf } from './etag';

/** A request's If-None-Match lists this ETag (or `*`); weak tags compare weakly (RFC 9110 §13.1.2). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/**
 * Public results are a function of the position they reflect, so that position is their ETag: a client (or a
 * CDN, a reverse proxy) revalidates with If-None-Match and gets 304 while nothing new was projected.
 * `Cache-Control: public, max-age=RESULTS_MAX_AGE_SECONDS` lets a proxy serve the public for a few seconds; a
 * time-travel answer by `atPosition` never changes and may be kept for a day.
 */
@Injectable()
export class CacheByPositionInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const position = (body as { position?: unknown } | null)?.position;
        if (typeof position !== 'number') return body;
        const etag = etagOf(position);
        const fixed = (request.query as Record<string, unknown> | undefined)?.atPosition !== undefined;
        const maxAge = fixed ? 86_400 : this.config.RESULTS_MAX_AGE_SECONDS;
        void reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`);
        void reply.header('vary', 'authorization');
        if (noneMatch(request.headers['if-none-match'], etag)) {
          void reply.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }
}

/** On a public GET whose body carries `position`: ETag, If-None-Match → 304, Cache-Control. */
export function CacheByPosition(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseInterceptors(CacheByPositionInterceptor),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'An ETag from an earlier answer: 304 while unchanged',
    }),
    ApiResponse({
      status: 304,
      description: 'Not modified: nothing was projected since the ETag (its position)',
    }),
  );
}
