import { Command } from '@nestjs/cqrs';
import { AmendmentChange, CommandContext } from '@tally/domain';

export interface AmendElectionResult {
  electionId: string;
  revision: number;
  position: number;
}

export class AmendElectionCommand extends Command<AmendElectionResult> {
  constructor(
    readonly amendment: {
      electionId: string;
      expectedRevision: number;
      reason: string;
      changes: AmendmentChange[];
      context: CommandContext;
    },
  ) {
    super();
  }
}
