import { Metrics } from '@tally/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertMayPerformIn,
  decideTurnout,
  DomainError,
  foldTurnout,
  metadataFor,
  TurnoutErrorCode,
  TurnoutEvent,
  turnoutStreamId,
} from '@tally/domain';
import {
  AppendConditionFailedError,
  DuplicateEventIdError,
  EventStore,
  WrongExpectedRevisionError,
} from '@tally/event-store';
import { DefinitionInForce, ElectionCatalog, unchangedDefinition } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { ReportTurnoutCommand, TurnoutWriteResult } from './report-turnout.command';
import { turnoutEventId } from './turnout-event-ids';

const ATTEMPTS = 3;

@CommandHandler(ReportTurnoutCommand)
export class ReportTurnoutHandler implements ICommandHandler<ReportTurnoutCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    private readonly metrics: Metrics,
  ) {}

  async execute({ report }: ReportTurnoutCommand): Promise<TurnoutWriteResult> {
    // Decided on the definition read now; where the store takes append conditions, the append also requires the
    // election stream unchanged since, so an amendment stored in between (another voter list, a removed or moved
    // area) makes it decide again on the amended definition, as the sheets do.
    for (;;) {
      const definition = await this.catalog.current(report.electionId);
      try {
        return await this.decideAndAppend(report, definition);
      } catch (error) {
        if (!(error instanceof AppendConditionFailedError)) throw error;
      }
    }
  }

  private async decideAndAppend(
    report: ReportTurnoutCommand['report'],
    definition: DefinitionInForce | undefined,
  ): Promise<TurnoutWriteResult> {
    const { electionId, pollingAreaId, reportId } = report;
    const index = definition?.index;
    if (index) assertMayPerformIn(report.context.actor, 'submit-turnout', index.districtOf(pollingAreaId));
    const streamId = turnoutStreamId(electionId, pollingAreaId);
    const condition = unchangedDefinition(this.eventStore, electionId, definition);

    // Reports of one polling area race on the same stream: decide again on the new state (another report, or a retry).
    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream<TurnoutEvent>(this.eventStore, streamId);
      const events = decideTurnout({ type: 'ReportTurnout', ...report }, foldTurnout(stream.events), index);
      if (events.length === 0) {
        this.metrics.replayed('turnout');
        const original = stream.stored.find((e) => e.data.reportId === reportId)!;
        return {
          reportId,
          pollingAreaId,
          revision: original.revision,
          position: original.position,
          replayed: true,
        };
      }
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(report.context), [turnoutEventId(electionId, reportId)]),
          stream.expected,
          { condition },
        );
        // The store knew the id (a racing retry): its data may differ from ours, so decide again on what is stored.
        if (appended.alreadyStored) continue;
        return {
          reportId,
          pollingAreaId,
          revision: appended.revision,
          position: appended.position,
          replayed: false,
        };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < ATTEMPTS) continue;
        if (error instanceof DuplicateEventIdError) {
          throw new DomainError(
            'conflict',
            TurnoutErrorCode.REPORT_ID_REUSED,
            `reportId ${reportId} was already used for another polling area (${error.existingStreamId})`,
            [],
            { reportId },
          );
        }
        throw error;
      }
    }
  }
}
