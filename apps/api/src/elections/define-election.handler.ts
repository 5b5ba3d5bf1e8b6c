import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideElection, ElectionEvent, electionStreamId, foldElection, metadataFor } from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { DefineElectionCommand, DefineElectionResult } from './define-election.command';

@CommandHandler(DefineElectionCommand)
export class DefineElectionHandler implements ICommandHandler<DefineElectionCommand> {
  constructor(private readonly eventStore: EventStore) {}

  async execute({ definition, context }: DefineElectionCommand): Promise<DefineElectionResult> {
    const streamId = electionStreamId(definition.electionId);
    // Twice at most: another request that defined the same id between our read and our append is found on reading
    // again, and decide refuses this one as it would a later request.
    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream<ElectionEvent>(this.eventStore, streamId);
      const events = decideElection(
        { type: 'DefineElection', definition, context },
        foldElection(stream.events),
      );
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(
            stream,
            events,
            metadataFor(context),
            events.map(() => randomUUID()),
          ),
          stream.expected,
        );
        return {
          electionId: definition.electionId,
          revision: appended.revision,
          position: appended.position,
        };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < 2) continue;
        throw error;
      }
    }
  }
}
