import { Command } from '@nestjs/cqrs';
import { AmendmentChange, CommandContext } from '@tally/domain';

export interface AmendElectionResult {
  electionId: string;
  revision: number;
  position: number;
  /** A retry of the last amendment, answered with it (header Idempotent-Replayed: true); nothing was appended. */
  replayed: boolean;
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
