import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ReadRouter } from '@tally/read-models';
import { Observable } from 'rxjs';

/** Every request reads in a routing scope of its own (see ReadRouter): a switch to the primary stays in it. */
@Injectable()
export class ReadRoutingInterceptor implements NestInterceptor {
  constructor(private readonly router: ReadRouter) {}

  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    // The handler starts when the observable is subscribed: subscribing inside the scope carries it along.
    return new Observable((subscriber) => this.router.scope(() => next.handle().subscribe(subscriber)));
  }
}
