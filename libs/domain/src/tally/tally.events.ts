import { Anomaly, TallyCounts, TallyPlacement } from './tally.types';

export interface TallySubmitted {
  type: 'TallySubmitted';
  data: TallyPlacement & {
    submissionId: string;
    counts: TallyCounts;
    anomalies: Anomaly[];
    submittedAt: string;
  };
}

/** A correction never edits the original: it records the new counts, the counts it replaces, and why. */
export interface TallyCorrected {
  type: 'TallyCorrected';
  data: TallyPlacement & {
    counts: TallyCounts;
    previousCounts: TallyCounts;
    /** Names of the count fields that changed, e.g. ["validBallots", "candidateVotes.na-02-1"]. */
    changedFields: string[];
    reason: string;
    /** The client's retry key, when it gave one. */
    correctionId?: string;
    anomalies: Anomaly[];
    correctedAt: string;
  };
}

/** Every event of a tally-<election>.<pollingArea>.<contest> stream. */
export type TallyEvent = TallySubmitted | TallyCorrected;
