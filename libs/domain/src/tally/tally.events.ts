import { Anomaly, ScanContentType, TallyCounts, TallyPlacement } from './tally.types';

/**
 * The first entry of a sheet. Without `standing` it counts at once (every sheet before double entry and review);
 * `awaiting-second-entry`: the election asks for double entry, a second official must enter the same figures;
 * `held`: an anomaly the definition holds on (`heldOn`) keeps it out of the totals until an admin reviews it.
 */
export interface TallySubmitted {
  type: 'TallySubmitted';
  data: TallyPlacement & {
    submissionId: string;
    counts: TallyCounts;
    anomalies: Anomaly[];
    submittedAt: string;
    standing?: 'awaiting-second-entry' | 'held';
    /** The actor id of the first entry, when a second entry must come from someone else. */
    enteredBy?: string;
    /** The anomaly codes that hold the sheet (standing `held`). */
    heldOn?: string[];
  };
}

/**
 * The second, independent entry of a double-entry sheet. Same figures as the first: verified, and it counts (or is
 * held, when an anomaly holds it); different figures: `discrepancy`, naming every differing field, until an admin
 * of the district resolves it.
 */
export interface TallySecondEntryRecorded {
  type: 'TallySecondEntryRecorded';
  data: TallyPlacement & {
    submissionId: string;
    /** The figures of this entry; when they agree they are the sheet's counts. */
    counts: TallyCounts;
    anomalies: Anomaly[];
    firstSubmissionId: string;
    /** Count fields where the entries differ ([] when verified), e.g. ["votersVoted", "candidateVotes.na-01-2"]. */
    discrepancies: string[];
    standing: 'counted' | 'held' | 'discrepancy';
    heldOn?: string[];
    enteredAt: string;
  };
}

/** An admin of the district settled a discrepancy between the two entries with the figures of the paper record. */
export interface TallyDiscrepancyResolved {
  type: 'TallyDiscrepancyResolved';
  data: TallyPlacement & {
    counts: TallyCounts;
    firstCounts: TallyCounts;
    secondCounts: TallyCounts;
    reason: string;
    anomalies: Anomaly[];
    standing: 'counted' | 'held';
    heldOn?: string[];
    resolvedAt: string;
  };
}

/** An admin of the district reviewed a held sheet: released (it counts) or sent back for a correction. */
export interface TallyReviewed {
  type: 'TallyReviewed';
  data: TallyPlacement & {
    decision: ReviewDecision;
    reason: string;
    /** The anomaly codes that held it. */
    heldOn: string[];
    standing: 'counted' | 'correction-required';
    reviewedAt: string;
  };
}

export const REVIEW_DECISIONS = ['release', 'correction-required'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

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
    /** `held`: the new figures have an anomaly the definition holds on; absent: they count. */
    standing?: 'held';
    heldOn?: string[];
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
export type TallyEvent =
  | TallySubmitted
  | TallyCorrected
  | TallyScanAttached
  | TallySecondEntryRecorded
  | TallyDiscrepancyResolved
  | TallyReviewed;

/** Where a polling area's sheet stands for its unit: only a `counted` sheet is in the totals. */
export const SHEET_STANDINGS = [
  'unreported',
  'awaiting-second-entry',
  'discrepancy',
  'held',
  'correction-required',
  'counted',
] as const;
export type SheetStanding = (typeof SHEET_STANDINGS)[number];

/**
 * What a stored tally event does to the sheet's place in the totals: its standing after the event and, when the
 * event sets them, the figures in force. undefined for an event that changes neither (a scan) or is not a tally
 * event. The one reading of the facts that every projection, the time travel and the offline verifier share.
 */
export function tallyEffect(
  type: string,
  data: Record<string, unknown>,
): { standing: Exclude<SheetStanding, 'unreported'>; counts?: TallyCounts } | undefined {
  const counts = data.counts as TallyCounts | undefined;
  switch (type) {
    case 'TallySubmitted':
    case 'TallyCorrected':
      return { standing: standingOf(data.standing, ['awaiting-second-entry', 'held'], 'counted'), counts };
    case 'TallySecondEntryRecorded': {
      // In discrepancy the sheet keeps the first entry's figures (and counts with neither).
      const standing = standingOf(data.standing, ['held', 'discrepancy'], 'counted');
      return standing === 'discrepancy' ? { standing } : { standing, counts };
    }
    case 'TallyDiscrepancyResolved':
      return { standing: standingOf(data.standing, ['held'], 'counted'), counts };
    case 'TallyReviewed':
      return { standing: standingOf(data.standing, ['correction-required'], 'counted') };
    default:
      return undefined;
  }
}

function standingOf<S extends SheetStanding>(value: unknown, allowed: readonly S[], otherwise: S): S {
  return (allowed as readonly unknown[]).includes(value) ? (value as S) : otherwise;
}
