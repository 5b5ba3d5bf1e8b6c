import { Injectable, Logger } from '@nestjs/common';
import {
  CommandContext,
  decideUnit,
  ElectionIndex,
  foldUnit,
  metadataFor,
  UnitEvent,
  UnitLock,
  unitStreamId,
} from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { loadStream, toAppend } from '../infrastructure/event-streams';

/**
 * The certification of a sheet's unit, for the tally commands that change a sheet (TALLY.UNIT_CERTIFIED), and the
 * check after such a change. A certification and a sheet change go to different streams, so neither append can
 * refuse the other: the certifying handler checks the sheets after its append, and a changing handler checks the
 * unit after its own. Whichever sees the other revokes the certification (UnitCertificationRevoked, `automatic`).
 */
@Injectable()
export class UnitLocks {
  private readonly logger = new Logger('units');

  constructor(private readonly eventStore: EventStore) {}

  /** Undefined when the area is outside the contest (the tally decider then refuses the command on its own). */
  async lockOf(
    index: ElectionIndex | undefined,
    contestId: string,
    pollingAreaId: string,
  ): Promise<UnitLock | undefined> {
    const unit = index?.unitOf(contestId, pollingAreaId);
    if (!index || !unit) return undefined;
    const { events } = await loadStream<UnitEvent>(
      this.eventStore,
      unitStreamId(index.electionId, contestId, unit.unitId),
    );
    return { certified: foldUnit(events).certification !== null };
  }

  /** After a sheet of the unit changed to `revision`: revokes a certification made without that change. */
  async reconcile(
    index: ElectionIndex,
    contestId: string,
    pollingAreaId: string,
    revision: number,
    context: CommandContext,
  ): Promise<void> {
    const unit = index.unitOf(contestId, pollingAreaId);
    if (!unit) return;
    const ref = { electionId: index.electionId, contestId, unitId: unit.unitId };
    const streamId = unitStreamId(ref.electionId, contestId, unit.unitId);
    // The sheet's change is stored: this decides until it is done, each conflict on what the unit's stream holds now
    // (revoked by the certifying side, by a city admin, or certified again), so a stored change is never left with a
    // certification that does not hold, nor answered as if it had failed.
    for (;;) {
      const stream = await loadStream<UnitEvent>(this.eventStore, streamId);
      const events = decideUnit(
        { type: 'ReconcileCertification', ...ref, pollingAreaId, revision, context },
        foldUnit(stream.events),
        index,
      );
      if (events.length === 0) return;
      try {
        await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          stream.expected,
        );
        this.logger.warn(
          `certification of ${contestId}/${unit.unitId} revoked: ${pollingAreaId} changed while it was certified`,
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }
}
