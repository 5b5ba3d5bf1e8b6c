import { Command } from '@nestjs/cqrs';
import { SubmitTally } from '@tally/domain';
import { TallyWriteResult } from './tally-results';

export class SubmitTallyCommand extends Command<TallyWriteResult> {
  constructor(readonly submission: Omit<SubmitTally, 'type'>) {
    super();
  }
}
