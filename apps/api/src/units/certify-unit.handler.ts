import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertMayPerformOver,
  decideUnit,
  DomainError,
  foldUnit,
  metadataFor,
  TALLY_STREAM_PREFIX,
  tallyStreamId,
  UnitCertified,
  UnitErrorCode,
  UnitEvent,
  unitStreamId,
} from '@tally/domain';
import { AppendConditionFailedError, EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog, unchangedDefinition } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { CertifyUnitCommand } from './unit.commands';
import { UnitLocks } from './unit-locks';
import { UnitWriteResult } from './unit-results';
import { loadUnitSheets } from './unit-sheets';

const ATTEMPTS = 3;

@CommandHandler(CertifyUnitCommand)
export class CertifyUnitHandler implements ICommandHandler<CertifyUnitCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    private readonly locks: UnitLocks,
  ) {}

  async execute({ certification }: CertifyUnitCommand): Promise<UnitWriteResult> {
    const { electionId, contestId, unitId, context } = certification;
    const streamId = unitStreamId(electionId, contestId, unitId);

    let conflicts = 0;
    for (;;) {
      // The record lists the unit's polling areas as this definition has them: where the store checks conditions,
      // an amendment stored before the append (an area added to the unit) fails it, and the unit is decided again.
      const definition = await this.catalog.current(electionId);
      const index = definition?.index;
      if (index)
        assertMayPerformOver(context.actor, 'certify-unit', index.districtsOfUnit(contestId, unitId));
      const condition = unchangedDefinition(this.eventStore, electionId, definition);
      // Every sheet change after `head` is checked against the record once it is stored.
      const head = await this.eventStore.headPosition();
      const stream = await loadStream<UnitEvent>(this.eventStore, streamId);
      const sheets =
        index && index.unit(contestId, unitId)
          ? await loadUnitSheets(this.eventStore, index, contestId, unitId)
          : new Map();
      const events = decideUnit(
        { type: 'CertifyUnit', ...certification },
        foldUnit(stream.events),
        index,
        sheets,
      );
      let appended;
      try {
        appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          stream.expected,
          { condition },
        );
      } catch (error) {
        // Another certification or revocation of this unit came first: decide again on it.
        if (error instanceof WrongExpectedRevisionError && ++conflicts < ATTEMPTS) continue;
        // An amendment came first: decide again on the definition in force (not counted against the attempts).
        if (error instanceof AppendConditionFailedError) continue;
        throw error;
      }
      const event = events[0] as UnitCertified;
      await this.checkSheetsAfter(head, appended.position, event, context);
      return {
        electionId,
        contestId,
        unitId,
        revision: appended.revision,
        position: appended.position,
        status: 'certified',
        record: {
          outcome: event.data.outcome,
          outcomeReason: event.data.outcomeReason,
          seatsUnfilled: event.data.seatsUnfilled,
          elected: event.data.candidates.filter((c) => c.elected).map((c) => c.candidateId),
          pollingAreas: event.data.sheets.length,
        },
      };
    }
  }

  /** A sheet of the unit that changed between our reads and our append makes the record wrong: revoke and say so. */
  private async checkSheetsAfter(
    head: number,
    upTo: number,
    event: UnitCertified,
    context: CertifyUnitCommand['certification']['context'],
  ): Promise<void> {
    const { electionId, contestId } = event.data;
    const recorded = new Map(
      event.data.sheets.map((s) => [tallyStreamId(electionId, s.pollingAreaId, contestId), s]),
    );
    let after = head;
    for (;;) {
      const page = await this.eventStore.readAll({
        after,
        to: upTo,
        maxCount: 1000,
        streamPrefixes: [`${TALLY_STREAM_PREFIX}${electionId}.`],
      });
      for (const changed of page) {
        const sheet = recorded.get(changed.streamId);
        if (!sheet || changed.revision <= sheet.revision) continue;
        const index = await this.catalog.get(electionId);
        await this.locks.reconcile(index, contestId, sheet.pollingAreaId, changed.revision, context);
        throw new DomainError(
          'conflict',
          UnitErrorCode.CHANGED_WHILE_CERTIFYING,
          `The sheet of ${sheet.pollingAreaId} changed while unit ${event.data.unitId} was being certified; the certification was revoked: read the results and certify again`,
          [],
          { contestId, unitId: event.data.unitId, pollingAreaId: sheet.pollingAreaId },
        );
      }
      if (page.length < 1000) return;
      after = page[page.length - 1].position;
    }
  }
}
