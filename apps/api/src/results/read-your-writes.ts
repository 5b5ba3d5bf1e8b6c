import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@tally/event-store';
import { AppConfig } from '@tally/platform';
import { ProjectionRunner, ReadRouter } from '@tally/read-models';
import { HttpProblem } from '../http/problem';
import { APP_CONFIG } from '../infrastructure/runtime';

/**
 * `?minPosition=N`: wait until every projection has applied position N, so a client can read its own write. With a
 * read replica (DATABASE_READ_URL) it then waits up to READ_REPLICA_WAIT_MS for the replica to have replayed N, and
 * otherwise reads this request from the primary.
 */
@Injectable()
export class ReadYourWrites {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly eventStore: EventStore,
    private readonly router: ReadRouter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async waitFor(minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    await this.waitForPrimary(minPosition);
    await this.waitForReplica(minPosition);
  }

  private async waitForReplica(minPosition: number): Promise<void> {
    const replica = this.router.replica;
    if (!replica) return;
    const deadline = Date.now() + this.config.READ_REPLICA_WAIT_MS;
    for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
      // A replica that cannot be asked is as good as one behind: this request reads the primary.
      const reached = await this.runner.reachedOn(replica.manager, minPosition).catch(() => false);
      if (reached) return;
      if (Date.now() >= deadline) return this.router.usePrimary();
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  private async waitForPrimary(minPosition: number): Promise<void> {
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
