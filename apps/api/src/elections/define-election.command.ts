import { Command } from '@nestjs/cqrs';
import { CommandContext, ElectionDefinition } from '@tally/domain';

export interface DefineElectionResult {
  electionId: string;
  revision: number;
  position: number;
}

export class DefineElectionCommand extends Command<DefineElectionResult> {
  constructor(
    readonly definition: ElectionDefinition,
    readonly context: CommandContext,
  ) {
    super();
  }
}
