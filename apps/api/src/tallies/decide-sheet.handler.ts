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
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../elections/election-catalog';
import { UnitLocks } from '../units/unit-locks';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { DecideSheetCommand } from './decide-sheet.command';
import { TallyWriteResult } from './tally-results';

/**
 * POST …/resolution and …/review: load the sheet, let the domain decide, append with the If-Match revision. A retry
 * (same If-Match and body) is recognised by decide and answered with the decision already stored, also when it
 * raced the original and lost the append.
 */
@CommandHandler(DecideSheetCommand)
export class DecideSheetHandler implements ICommandHandler<DecideSheetCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly catalog: ElectionCatalog,
    private readonly metrics: Metrics,
    private readonly locks: UnitLocks,
  ) {}

  async execute({ decision }: DecideSheetCommand): Promise<TallyWriteResult> {
    const { electionId, pollingAreaId, contestId, expectedRevision, context } = decision;
    const index = await this.catalog.find(electionId);
    const action = decision.type === 'ResolveDiscrepancy' ? 'resolve-discrepancy' : 'review-sheet';
    if (index) assertMayPerformIn(context.actor, action, index.districtOf(pollingAreaId));
    const streamId = tallyStreamId(electionId, pollingAreaId, contestId);
    const id = tallyId(electionId, pollingAreaId, contestId);
    // Twice at most: a racing retry (the same If-Match and body) that lost the append finds the winner's decision
    // on reading again, and decide answers it as a replay; anything else at the moved revision is stale.
    for (let attempt = 1; ; attempt++) {
      const [stream, unit] = await Promise.all([
        loadStream<TallyEvent>(this.eventStore, streamId),
        this.locks.lockOf(index, contestId, pollingAreaId),
      ]);
      const state = foldTally(stream.events);
      const events = decideTally(decision, state, index, unit);
      if (events.length === 0) {
        this.metrics.replayed('tally');
        const revision = state.status === 'recorded' ? state.lastDecision?.revision : undefined;
        const original = revision === undefined ? undefined : stream.stored[revision];
        if (!original) throw new Error('decide recognised a retry, but the sheet holds no such decision');
        return resultOf(id, original.type, original.data, original.revision, original.position, true);
      }
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          expectedRevision,
        );
        if (index) await this.locks.reconcile(index, contestId, pollingAreaId, appended.revision, context);
        const [event] = events;
        return resultOf(id, event.type, event.data, appended.revision, appended.position, false);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt < 2) continue;
        throw new DomainError(
          'stale',
          TallyErrorCode.REVISION_MISMATCH,
          `The sheet changed meanwhile (now at revision ${String(error.actual)}); read it again`,
          [],
          { currentRevision: error.actual },
        );
      }
    }
  }
}

function resultOf(
  tallyId: string,
  type: string,
  data: object,
  revision: number,
  position: number,
  replayed: boolean,
): TallyWriteResult {
  const d = data as { standing?: string; anomalies?: TallyWriteResult['anomalies']; decision?: string };
  const standing = (d.standing ?? 'counted') as TallyWriteResult['standing'];
  const status: TallyWriteResult['status'] =
    type === 'TallyDiscrepancyResolved'
      ? 'resolved'
      : d.decision === 'release'
        ? 'released'
        : 'correction-required';
  return { tallyId, revision, position, status, standing, anomalies: d.anomalies ?? [], replayed };
}
