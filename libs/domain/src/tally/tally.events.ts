import { Anomaly, ScanContentType, TallyCounts, TallyPlacement } from './tally.types';

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

/**
 * The scanned counting record (the signed paper biên bản) was stored, content-addressed by its SHA-256. The bytes live
 * in the scan store; this event, hashed into the stream's chain, is what binds them to the sheet. A later scan (after a
 * correction, or a better photo) is a new event: the earlier ones stay listed.
 */
export interface TallyScanAttached {
  type: 'TallyScanAttached';
  data: TallyPlacement & {
    /** Lowercase hex SHA-256 of the bytes. */
    digest: string;
    /** Bytes. */
    size: number;
    contentType: ScanContentType;
    /** The stream revision of the counts (submission or correction) in force when the scan was attached. */
    countsRevision: number;
    attachedAt: string;
  };
}

/** Every event of a tally-<election>.<pollingArea>.<contest> stream. */
export type TallyEvent = TallySubmitted | TallyCorrected | TallyScanAttached;
