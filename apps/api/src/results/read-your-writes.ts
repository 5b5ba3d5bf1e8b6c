import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { AppConfig } from '@tally/platform';
import { ProjectionRunner } from '@tally/read-models';
import { HttpProblem } from '../http/problem';
import { APP_CONFIG } from '../infrastructure/runtime';

/** `?minPosition=N`: wait until every projection has applied position N, so a client can read its own write. */
@Injectable()
export class ReadYourWrites {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly eventStore: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async waitFor(minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (await this.runner.waitForPosition(minPosition, 0)) return;
    // Waiting for a position the log has not reached would only hold the request until the timeout.
    const head = await this.eventStore.headPosition();
    if (minPosition > head) {
      throw new HttpProblem(
        400,
        'REQUEST.POSITION_BEYOND_LOG',
        'The request is malformed',
        `minPosition ${minPosition} is beyond the last position of the log (${head})`,
        {
          errors: [
            { field: 'minPosition', message: `must be at most ${head}, the last position of the log` },
          ],
        },
      );
    }
    const reached = await this.runner.waitForPosition(minPosition, this.config.READ_WAIT_TIMEOUT_MS);
    if (!reached) {
      throw new HttpProblem(
        503,
        'RESULTS.NOT_CAUGHT_UP',
        'The read models are behind',
        `The read models have not reached position ${minPosition} within ${this.config.READ_WAIT_TIMEOUT_MS} ms; retry shortly`,
        { minPosition },
        { 'retry-after': '1' },
      );
    }
  }
}
