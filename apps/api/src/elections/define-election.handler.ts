import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideElection,
  DomainError,
  ElectionErrorCode,
  ElectionEvent,
  electionStreamId,
  foldElection,
  metadataFor,
} from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { DefineElectionCommand, DefineElectionResult } from './define-election.command';

@CommandHandler(DefineElectionCommand)
export class DefineElectionHandler implements ICommandHandler<DefineElectionCommand> {
  constructor(private readonly eventStore: EventStore) {}

  async execute({ definition, context }: DefineElectionCommand): Promise<DefineElectionResult> {
    const streamId = electionStreamId(definition.electionId);
    const stream = await loadStream<ElectionEvent>(this.eventStore, streamId);
    const events = decideElection(
      { type: 'DefineElection', definition, context },
      foldElection(stream.events),
    );
    const appended = await this.eventStore
      .append(
        streamId,
        toAppend(
          stream,
          events,
          metadataFor(context),
          events.map(() => randomUUID()),
        ),
        stream.expected,
      )
      .catch((error: unknown) => {
        // Another request defined the same id between our read and our append.
        if (error instanceof WrongExpectedRevisionError) {
          throw new DomainError(
            'conflict',
            ElectionErrorCode.ALREADY_DEFINED,
            `Election ${definition.electionId} is already defined`,
          );
        }
        throw error;
      });
    return { electionId: definition.electionId, revision: appended.revision, position: appended.position };
  }
}
