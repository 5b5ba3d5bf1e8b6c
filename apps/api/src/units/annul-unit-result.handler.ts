import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideUnit,
  foldUnit,
  metadataFor,
  UnitEvent,
  UnitResultAnnulled,
  unitStreamId,
} from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { AnnulUnitResultCommand } from './unit.commands';
import { UnitAnnulmentResult } from './unit-results';

const ATTEMPTS = 3;

@CommandHandler(AnnulUnitResultCommand)
export class AnnulUnitResultHandler implements ICommandHandler<AnnulUnitResultCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
  ) {}

  async execute({ annulment }: AnnulUnitResultCommand): Promise<UnitAnnulmentResult> {
    const { electionId, contestId, unitId, context } = annulment;
    const index = await this.catalog.find(electionId);
    const streamId = unitStreamId(electionId, contestId, unitId);
    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream<UnitEvent>(this.eventStore, streamId);
      const events = decideUnit({ type: 'AnnulUnitResult', ...annulment }, foldUnit(stream.events), index);
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          stream.expected,
        );
        const { data } = events[0] as UnitResultAnnulled;
        return {
          electionId,
          contestId,
          unitId,
          revision: appended.revision,
          position: appended.position,
          status: 'annulled',
          outcome: 're-vote-required',
          outcomeReason: 'annulled',
          annulledAt: data.annulledAt,
          reason: data.reason,
        };
      } catch (error) {
        // A certification of this unit (or another annulment) came first: decide again on it.
        if (error instanceof WrongExpectedRevisionError && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
