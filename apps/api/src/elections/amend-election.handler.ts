import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  AmendmentFootprint,
  amendmentFootprint,
  decideElection,
  DomainError,
  ElectionErrorCode,
  ElectionEvent,
  electionStreamId,
  electionStreamPrefixes,
  foldElection,
  isStreamOfElection,
  metadataFor,
  NOTHING_ON_RECORD,
  OnRecord,
} from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { AppConfig, Metrics } from '@tally/platform';
import { OnRecordQueries, ProjectionRunner, ReadRouter } from '@tally/read-models';
import { randomUUID } from 'node:crypto';
import { HttpProblem } from '../http/problem';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { APP_CONFIG } from '../infrastructure/runtime';
import { AmendElectionCommand, AmendElectionResult } from './amend-election.command';

const PAGE = 1000;

/**
 * Loads the election stream, reads what is on record about the polling areas and units the changes touch (only then,
 * and only after the read models have applied every event of the election the store holds), decides, and appends
 * ElectionAmended expecting the revision it loaded. What remains is a race of a few milliseconds: a sheet or turnout
 * report stored between that read and the append was decided on the definition before (docs/architecture.md).
 */
@CommandHandler(AmendElectionCommand)
export class AmendElectionHandler implements ICommandHandler<AmendElectionCommand> {
  private readonly onRecord: OnRecordQueries;

  constructor(
    private readonly eventStore: EventStore,
    private readonly runner: ProjectionRunner,
    router: ReadRouter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    // The primary: the checkpoints waited for are the primary's, and so must be the rows.
    this.onRecord = new OnRecordQueries(router.primary);
  }

  async execute({ amendment }: AmendElectionCommand): Promise<AmendElectionResult> {
    const { electionId, expectedRevision, context } = amendment;
    const streamId = electionStreamId(electionId);
    // A second attempt follows a racing append: it decides on what is stored now, as a later request would (a racing
    // retry of the same amendment is answered with the stored one; anything else is the domain's 412).
    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream<ElectionEvent>(this.eventStore, streamId);
      const state = foldElection(stream.events);
      const footprint = amendmentFootprint(state, amendment.changes);
      // A stale or invalid amendment is refused without waiting for the read models.
      const current = state.status === 'defined' && state.revision === expectedRevision;
      const onRecord = current ? await this.readOnRecord(electionId, footprint) : NOTHING_ON_RECORD;
      const events = decideElection({ type: 'AmendElection', ...amendment, onRecord }, state);
      if (events.length === 0) {
        const last = state.status === 'defined' ? state.lastAmendment : undefined;
        if (!last) throw new Error('decide recognised a retry, but the election has no amendment');
        this.metrics.replayed('election');
        const { position } = stream.stored[last.revision];
        return { electionId, revision: last.revision, position, replayed: true };
      }
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          stream.expected,
        );
        return { electionId, revision: appended.revision, position: appended.position, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt < 2) continue;
        throw new DomainError(
          'stale',
          ElectionErrorCode.REVISION_MISMATCH,
          `The definition was amended while this amendment was made (now at revision ${String(error.actual)}); read it again`,
          [],
          { currentRevision: error.actual },
        );
      }
    }
  }

  private async readOnRecord(electionId: string, footprint: AmendmentFootprint): Promise<OnRecord> {
    if (footprint.pollingAreaIds.length === 0 && footprint.units.length === 0) return NOTHING_ON_RECORD;
    const last = await this.lastEventOf(electionId);
    if (!(await this.runner.waitForPosition(last, this.config.READ_WAIT_TIMEOUT_MS))) {
      throw new HttpProblem(
        503,
        'RESULTS.NOT_CAUGHT_UP',
        'The read models are behind',
        `An amendment is checked against every stored sheet and turnout report: the read models have not reached position ${last} within ${this.config.READ_WAIT_TIMEOUT_MS} ms; retry shortly`,
        { minPosition: last },
        { 'retry-after': '1' },
      );
    }
    return this.onRecord.read(electionId, footprint);
  }

  /** The position of the election's last stored event that the read models may not have applied yet. */
  private async lastEventOf(electionId: string): Promise<number> {
    let after = await this.runner.projectedPosition();
    let last = after;
    for (;;) {
      const page = await this.eventStore.readAll({
        after,
        maxCount: PAGE,
        streamPrefixes: electionStreamPrefixes(electionId),
      });
      for (const event of page) if (isStreamOfElection(electionId, event.streamId)) last = event.position;
      if (page.length < PAGE) return last;
      after = page[page.length - 1].position;
    }
  }
}
