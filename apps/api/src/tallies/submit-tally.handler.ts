import { Metrics } from '@tally/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertMayPerformIn,
  decideTally,
  DomainError,
  EntryStatus,
  evolveTally,
  foldTally,
  metadataFor,
  TallyErrorCode,
  TallyEvent,
  tallyId,
  tallyStreamId,
} from '@tally/domain';
import {
  AppendConditionFailedError,
  DuplicateEventIdError,
  EventStore,
  WrongExpectedRevisionError,
} from '@tally/event-store';
import {
  DefinitionInForce,
  ElectionCatalog,
  HeldDefinition,
  unchangedDefinition,
} from '../elections/election-catalog';
import { UnitLocks } from '../units/unit-locks';
import { emptyStream, loadStream, toAppend } from '../infrastructure/event-streams';
import { SubmitTallyCommand } from './submit-tally.command';
import { submissionEventId } from './tally-event-ids';
import { TallyWriteResult } from './tally-results';

const ATTEMPTS = 3;

/** Where an entry left the sheet: what its retry answers, without folding the stream again. */
const STANDING_AFTER: Record<EntryStatus, TallyWriteResult['standing']> = {
  submitted: 'counted',
  verified: 'counted',
  held: 'held',
  'awaiting-second-entry': 'awaiting-second-entry',
  discrepancy: 'discrepancy',
};

type Submission = SubmitTallyCommand['submission'];

/**
 * The hot path of election night. Where the store checks append conditions (postgres), a sheet is decided on the
 * definition this process holds, without reading the election stream, and appended on the condition that the
 * election stream is still at the revision that definition reflects: a sheet decided on a definition an amendment
 * has replaced is never stored. When the condition fails, the definition in force is read and the sheet decided
 * again; a refusal decided on the held definition is confirmed on the one in force before it is answered. So, as
 * with a read per request, a request that starts after an amendment's 201 is decided on the amended definition.
 * Without conditions (kurrentdb) every submission reads the definition in force first, as the other commands do.
 */
@CommandHandler(SubmitTallyCommand)
export class SubmitTallyHandler implements ICommandHandler<SubmitTallyCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    private readonly metrics: Metrics,
    private readonly locks: UnitLocks,
  ) {}

  async execute({ submission }: SubmitTallyCommand): Promise<TallyWriteResult> {
    const { electionId } = submission;
    const conditional = this.eventStore.supportsAppendConditions;
    let held: HeldDefinition = conditional
      ? await this.catalog.held(electionId)
      : { definition: await this.catalog.current(electionId), fresh: true };
    // Neither a failed condition nor a confirmation counts against the retries: each reads a newer definition.
    for (;;) {
      try {
        return await this.decideAndAppend(submission, held.definition);
      } catch (error) {
        const failedCondition = error instanceof AppendConditionFailedError;
        if (!failedCondition && !(error instanceof DomainError && !held.fresh)) throw error;
        const decidedOn = held.definition;
        held = { definition: await this.catalog.current(electionId), fresh: true };
        // A refusal the definition in force still gives is the answer (nothing was appended either way).
        if (!failedCondition && held.definition?.streamRevision === decidedOn?.streamRevision) throw error;
      }
    }
  }

  private async decideAndAppend(
    submission: Submission,
    definition: DefinitionInForce | undefined,
  ): Promise<TallyWriteResult> {
    const { electionId, pollingAreaId, contestId, submissionId } = submission;
    const index = definition?.index;
    if (index) assertMayPerformIn(submission.context.actor, 'submit-tally', index.districtOf(pollingAreaId));
    const streamId = tallyStreamId(electionId, pollingAreaId, contestId);
    const id = tallyId(electionId, pollingAreaId, contestId);
    const condition = unchangedDefinition(this.eventStore, electionId, definition);

    // Most sheets are first submissions, so the first attempt does not read the stream: it decides on an empty one
    // and appends expecting no_stream, which the store refuses if the stream exists after all. Then (and after a
    // concurrent first submission) decide again on the stored state: a replay, a retry or a 409.
    // The store counts a replayed append itself (Metrics.instrument): a replay is counted once either way.
    let storeReplayed = false;
    for (let attempt = 1; ; attempt++) {
      const stream =
        attempt === 1
          ? emptyStream<TallyEvent>(streamId)
          : await loadStream<TallyEvent>(this.eventStore, streamId);
      // A first submission needs no lock (a certified unit has no unreported sheet): the hot path reads one stream.
      const unit =
        stream.events.length > 0 ? await this.locks.lockOf(index, contestId, pollingAreaId) : undefined;
      const state = foldTally(stream.events);
      const events = decideTally({ type: 'SubmitTally', ...submission }, state, index, unit);
      if (events.length === 0) {
        if (!storeReplayed) this.metrics.replayed('tally');
        // The entry this retries (the first or the second) is answered with what it got then.
        const entry = state.status === 'recorded' ? state.entries[submissionId] : undefined;
        if (!entry) throw new Error('decide recognised a retry, but the sheet holds no entry with its id');
        return {
          tallyId: id,
          revision: entry.revision,
          position: stream.stored[entry.revision].position,
          status: entry.status,
          standing: STANDING_AFTER[entry.status],
          anomalies: entry.anomalies,
          ...(entry.status === 'discrepancy' ? { discrepancies: entry.discrepancies } : {}),
          replayed: true,
        };
      }
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(submission.context), [
            submissionEventId(electionId, submissionId),
          ]),
          stream.expected,
          { condition },
        );
        // The store knew these ids (a racing retry): its data may differ from ours, so decide again on what is stored.
        if (appended.alreadyStored) {
          storeReplayed = true;
          continue;
        }
        const after = events.reduce(evolveTally, state);
        const entry = after.status === 'recorded' ? after.entries[submissionId] : undefined;
        return {
          tallyId: id,
          revision: appended.revision,
          position: appended.position,
          status: entry?.status ?? 'submitted',
          standing: entry ? STANDING_AFTER[entry.status] : 'counted',
          anomalies: events[0].data.anomalies,
          ...(entry?.status === 'discrepancy' ? { discrepancies: entry.discrepancies } : {}),
          replayed: false,
        };
      } catch (error) {
        // The optimistic first attempt does not count against the retries.
        if (error instanceof WrongExpectedRevisionError && attempt <= ATTEMPTS) continue;
        // The optimistic first attempt appends as if the sheet were new: an id already stored later in this very
        // stream is one of its entries (a second entry's retry), so decide again on the stored sheet.
        if (error instanceof DuplicateEventIdError && error.existingStreamId === streamId && attempt === 1)
          continue;
        if (error instanceof DuplicateEventIdError) {
          throw new DomainError(
            'conflict',
            TallyErrorCode.SUBMISSION_ID_REUSED,
            `submissionId ${submissionId} was already used for another sheet (${error.existingStreamId})`,
          );
        }
        throw error;
      }
    }
  }
}
