import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideUnit, foldUnit, metadataFor, UnitEvent, unitStreamId } from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { RevokeCertificationCommand } from './unit.commands';
import { UnitWriteResult } from './unit-results';

const ATTEMPTS = 3;

@CommandHandler(RevokeCertificationCommand)
export class RevokeCertificationHandler implements ICommandHandler<RevokeCertificationCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
  ) {}

  async execute({ revocation }: RevokeCertificationCommand): Promise<UnitWriteResult> {
    const { electionId, contestId, unitId, context } = revocation;
    const index = await this.catalog.find(electionId);
    const streamId = unitStreamId(electionId, contestId, unitId);
    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream<UnitEvent>(this.eventStore, streamId);
      const events = decideUnit(
        { type: 'RevokeCertification', ...revocation },
        foldUnit(stream.events),
        index,
      );
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          stream.expected,
        );
        return {
          electionId,
          contestId,
          unitId,
          revision: appended.revision,
          position: appended.position,
          status: 'uncertified',
          record: null,
        };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
