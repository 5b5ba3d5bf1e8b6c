import { Command } from '@nestjs/cqrs';
import { CorrectTally } from '@tally/domain';
import { TallyWriteResult } from './tally-results';

export class CorrectTallyCommand extends Command<TallyWriteResult> {
  constructor(readonly correction: Omit<CorrectTally, 'type'>) {
    super();
  }
}
