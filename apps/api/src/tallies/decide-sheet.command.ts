import { Command } from '@nestjs/cqrs';
import { ResolveDiscrepancy, ReviewTally } from '@tally/domain';
import { TallyWriteResult } from './tally-results';

/** An admin's decision on a sheet that does not count yet: resolving its discrepancy, or reviewing it. */
export class DecideSheetCommand extends Command<TallyWriteResult> {
  constructor(readonly decision: ResolveDiscrepancy | ReviewTally) {
    super();
  }
}
