import { Metrics } from '@tally/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertMayPerformIn,
  decideTally,
  DomainError,
  foldTally,
  metadataFor,
  TallyErrorCode,
  TallyEvent,
  tallyId,
  tallyStreamId,
} from '@tally/domain';
import {
  DuplicateEventIdError,
  EventStore,
  StoredEvent,
  WrongExpectedRevisionError,
} from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../elections/election-catalog';
import { UnitLocks } from '../units/unit-locks';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { CorrectTallyCommand } from './correct-tally.command';
import { correctionEventId } from './tally-event-ids';
import { TallyWriteResult } from './tally-results';

@CommandHandler(CorrectTallyCommand)
export class CorrectTallyHandler implements ICommandHandler<CorrectTallyCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    private readonly metrics: Metrics,
    private readonly locks: UnitLocks,
  ) {}

  async execute({ correction }: CorrectTallyCommand): Promise<TallyWriteResult> {
    const { electionId, pollingAreaId, contestId, expectedRevision, correctionId } = correction;
    const index = await this.catalog.find(electionId);
    if (index) assertMayPerformIn(correction.context.actor, 'correct-tally', index.districtOf(pollingAreaId));
    const streamId = tallyStreamId(electionId, pollingAreaId, contestId);
    const id = tallyId(electionId, pollingAreaId, contestId);
    const eventId = correctionId ? correctionEventId(electionId, correctionId) : randomUUID();

    // Twice at most: a racing retry with the same correctionId is recognised by the store, then by decide.
    for (let attempt = 1; ; attempt++) {
      const [stream, unit] = await Promise.all([
        loadStream<TallyEvent>(this.eventStore, streamId),
        this.locks.lockOf(index, contestId, pollingAreaId),
      ]);
      const events = decideTally(
        { type: 'CorrectTally', ...correction },
        foldTally(stream.events),
        index,
        unit,
      );
      if (events.length === 0) {
        this.metrics.replayed('tally');
        return replayOf(
          id,
          stream.stored.find((event) => event.eventId === eventId),
        );
      }
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(correction.context), [eventId]),
          expectedRevision,
        );
        if (appended.alreadyStored && attempt < 2) continue;
        // A certification recorded meanwhile, without this correction, no longer holds.
        if (index)
          await this.locks.reconcile(index, contestId, pollingAreaId, appended.revision, correction.context);
        return {
          tallyId: id,
          revision: appended.revision,
          position: appended.position,
          status: 'corrected',
          standing: events[0].data.standing ?? 'counted',
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
        if (error instanceof DuplicateEventIdError) {
          throw new DomainError(
            'conflict',
            TallyErrorCode.CORRECTION_ID_REUSED,
            `correctionId ${correctionId} was already used for a correction of another sheet`,
          );
        }
        throw error;
      }
    }
  }
}

/** The original answer to a correction that decide recognised as a retry. */
function replayOf(tallyId: string, original: StoredEvent | undefined): TallyWriteResult {
  if (!original) throw new Error('decide recognised a retry, but the stream holds no event with its id');
  const data = original.data as { anomalies?: TallyWriteResult['anomalies']; standing?: 'held' };
  return {
    tallyId,
    revision: original.revision,
    position: original.position,
    status: 'corrected',
    standing: data.standing === 'held' ? 'held' : 'counted',
    anomalies: data.anomalies ?? [],
    replayed: true,
  };
}
