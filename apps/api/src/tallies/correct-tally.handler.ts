import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideTally,
  DomainError,
  foldTally,
  metadataFor,
  TallyErrorCode,
  TallyEvent,
  tallyId,
  tallyStreamId,
} from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { CorrectTallyCommand } from './correct-tally.command';
import { correctionEventId } from './tally-event-ids';
import { TallyWriteResult } from './tally-results';

@CommandHandler(CorrectTallyCommand)
export class CorrectTallyHandler implements ICommandHandler<CorrectTallyCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
  ) {}

  async execute({ correction, correctionId }: CorrectTallyCommand): Promise<TallyWriteResult> {
    const { electionId, pollingAreaId, contestId, expectedRevision } = correction;
    const index = await this.catalog.find(electionId);
    const streamId = tallyStreamId(electionId, pollingAreaId, contestId);
    const id = tallyId(electionId, pollingAreaId, contestId);
    const stream = await loadStream<TallyEvent>(this.eventStore, streamId);

    const eventId = correctionId ? correctionEventId(electionId, correctionId) : randomUUID();
    const earlier = stream.stored.find((event) => event.eventId === eventId);
    if (earlier) {
      const data = earlier.data as { anomalies?: [] };
      return {
        tallyId: id,
        revision: earlier.revision,
        position: earlier.position,
        status: 'corrected',
        anomalies: data.anomalies ?? [],
        replayed: true,
      };
    }

    const events = decideTally({ type: 'CorrectTally', ...correction }, foldTally(stream.events), index);
    try {
      const appended = await this.eventStore.append(
        streamId,
        toAppend(events, metadataFor(correction.context), [eventId]),
        expectedRevision,
      );
      return {
        tallyId: id,
        revision: appended.revision,
        position: appended.position,
        status: 'corrected',
        anomalies: events[0].data.anomalies,
        replayed: false,
      };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) {
        throw new DomainError(
          'stale',
          TallyErrorCode.REVISION_MISMATCH,
          `The sheet changed while this correction was made (now at revision ${String(error.actual)}); read it again`,
          [],
          { currentRevision: error.actual },
        );
      }
      throw error;
    }
  }
}
