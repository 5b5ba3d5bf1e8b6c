import { Injectable } from '@nestjs/common';
import {
  COUNT_FIELDS,
  DomainError,
  foldTally,
  TallyErrorCode,
  TallyEvent,
  tallyId,
  tallyStreamId,
  Actor,
  Anomaly,
  evolveTally,
  initialTallyState,
  TallyCounts,
  TallyScan,
  TallyState,
  SheetStanding,
  diffCounts,
} from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { loadStream } from '../infrastructure/event-streams';

export interface TallySheetView {
  tallyId: string;
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  unitId: string;
  status: 'submitted' | 'corrected';
  revision: number;
  position: number;
  submissionId: string;
  counts: TallyCounts;
  anomalies: Anomaly[];
  corrections: number;
  submittedAt: string;
  lastChangedAt: string;
  /** The latest scanned counting record attached (GET …/scan), null before one is. */
  scan: TallyScan | null;
  /** Whether it counts in the totals, and if not what it waits for. */
  standing: Exclude<SheetStanding, 'unreported'>;
  /** The anomaly codes that hold it for review ([] unless held or correction-required). */
  heldOn: string[];
  /** The fields where the two entries differ (standing `discrepancy`), else []. */
  discrepancies: string[];
}

export interface TallyHistoryEntry {
  revision: number;
  position: number;
  type: string;
  recordedAt: string;
  actor: Actor;
  requestId: string;
  correlationId: string;
  reason: string | null;
  /** The count fields this event changed (every field for the first submission). */
  changedFields: string[];
  /** The counts in force after this event (a scan leaves them as they were). */
  counts: TallyCounts;
  previousCounts: TallyCounts | null;
  anomalies: Anomaly[];
  /** TallyScanAttached: the scan it attached. */
  scan?: { digest: string; size: number; contentType: string; countsRevision: number };
  /** The sheet's standing after this event. */
  standing: Exclude<SheetStanding, 'unreported'>;
  /** TallySecondEntryRecorded: the fields where the entries differ. */
  discrepancies?: string[];
  /** TallyReviewed: the decision. */
  decision?: string;
}

/** Reads one sheet straight from its stream, so the ETag is always the stream's current revision. */
@Injectable()
export class TallySheetReader {
  constructor(private readonly eventStore: EventStore) {}

  private async load(electionId: string, pollingAreaId: string, contestId: string) {
    const stream = await loadStream<TallyEvent>(
      this.eventStore,
      tallyStreamId(electionId, pollingAreaId, contestId),
    );
    if (stream.events.length === 0) {
      throw new DomainError(
        'not_found',
        TallyErrorCode.NOT_FOUND,
        `No tally sheet for polling area ${pollingAreaId} and contest ${contestId} in election ${electionId}`,
      );
    }
    return stream;
  }

  async current(electionId: string, pollingAreaId: string, contestId: string): Promise<TallySheetView> {
    const stream = await this.load(electionId, pollingAreaId, contestId);
    const state = foldTally(stream.events);
    if (state.status !== 'recorded')
      throw new Error('unreachable: a non-empty tally stream folds to a sheet');
    const last = stream.stored[stream.stored.length - 1];
    return {
      tallyId: tallyId(electionId, pollingAreaId, contestId),
      ...state.placement,
      status: state.corrections > 0 ? 'corrected' : 'submitted',
      revision: state.revision,
      position: last.position,
      submissionId: state.submissionId,
      counts: state.counts,
      anomalies: state.anomalies,
      corrections: state.corrections,
      submittedAt: state.submittedAt,
      lastChangedAt: state.lastChangedAt,
      scan: state.scans[state.scans.length - 1] ?? null,
      standing: state.standing,
      heldOn: state.heldOn,
      discrepancies:
        state.standing === 'discrepancy' && state.secondCounts
          ? diffCounts(state.submittedCounts, state.secondCounts)
          : [],
    };
  }

  async history(electionId: string, pollingAreaId: string, contestId: string) {
    const stream = await this.load(electionId, pollingAreaId, contestId);
    let state: TallyState = initialTallyState();
    const entries: TallyHistoryEntry[] = stream.events.map((event, i) => {
      const stored = stream.stored[i];
      const before = state.status === 'recorded' ? state : undefined;
      state = evolveTally(state, event);
      const after = state.status === 'recorded' ? state : undefined;
      const metadata = stored.metadata as { actor?: Actor; requestId?: string; correlationId?: string };
      const common = {
        revision: stored.revision,
        position: stored.position,
        type: event.type,
        recordedAt: stored.recordedAt.toISOString(),
        actor: metadata.actor ?? { id: 'unknown' },
        requestId: metadata.requestId ?? '',
        correlationId: metadata.correlationId ?? '',
        standing: after?.standing ?? 'counted',
      };
      const unchanged = {
        reason: null,
        changedFields: [] as string[],
        counts: after?.counts ?? emptyCounts(),
        previousCounts: null,
        anomalies: after?.anomalies ?? [],
      };
      switch (event.type) {
        case 'TallySubmitted':
          return {
            ...common,
            reason: null,
            changedFields: [...COUNT_FIELDS, 'candidateVotes'],
            counts: event.data.counts,
            previousCounts: null,
            anomalies: event.data.anomalies,
          };
        case 'TallyCorrected':
          return {
            ...common,
            reason: event.data.reason,
            changedFields: event.data.changedFields,
            counts: event.data.counts,
            previousCounts: event.data.previousCounts,
            anomalies: event.data.anomalies,
          };
        case 'TallyScanAttached': {
          const { digest, size, contentType, countsRevision } = event.data;
          return { ...common, ...unchanged, scan: { digest, size, contentType, countsRevision } };
        }
        case 'TallySecondEntryRecorded':
          return {
            ...common,
            ...unchanged,
            // The entry's own figures; the sheet's stay the first entry's while they differ.
            counts: event.data.counts,
            previousCounts: before?.counts ?? null,
            anomalies: event.data.anomalies,
            discrepancies: event.data.discrepancies,
          };
        case 'TallyDiscrepancyResolved':
          return {
            ...common,
            reason: event.data.reason,
            changedFields: before ? diffCounts(before.counts, event.data.counts) : [],
            counts: event.data.counts,
            previousCounts: before?.counts ?? null,
            anomalies: event.data.anomalies,
          };
        case 'TallyReviewed':
          return { ...common, ...unchanged, reason: event.data.reason, decision: event.data.decision };
      }
      return { ...common, ...unchanged };
    });
    return {
      tallyId: tallyId(electionId, pollingAreaId, contestId),
      revision: entries.length - 1,
      events: entries,
    };
  }
}

function emptyCounts(): TallyCounts {
  return {
    registeredVoters: 0,
    votersVoted: 0,
    ballotsIssued: 0,
    ballotsReceived: 0,
    validBallots: 0,
    invalidBallots: 0,
    candidateVotes: {},
  };
}
