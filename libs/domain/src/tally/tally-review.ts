import { Anomaly } from './tally.types';

/** Soft findings: the sheet is accepted and the anomaly is stored with it for someone to look at. */
export const AnomalyCode = {
  REGISTERED_VOTERS_DIFFER: 'ANOMALY.REGISTERED_VOTERS_DIFFER',
  BALLOTS_ISSUED_NOT_VOTERS_VOTED: 'ANOMALY.BALLOTS_ISSUED_NOT_VOTERS_VOTED',
  HIGH_INVALID_SHARE: 'ANOMALY.HIGH_INVALID_SHARE',
  VOTERS_EXCEED_LIST: 'ANOMALY.VOTERS_EXCEED_LIST',
} as const;

export const ANOMALY_CODES = Object.values(AnomalyCode);

/** What a definition without `review.holdOn` holds for review: more voters voted than the list has (Kenya 2022). */
export const DEFAULT_HOLD_ON: readonly string[] = [AnomalyCode.VOTERS_EXCEED_LIST];

/** The anomaly codes that hold a sheet of this definition for review. */
export function holdOnCodes(definition: { review?: { holdOn?: string[] } } | undefined): readonly string[] {
  return definition?.review?.holdOn ?? DEFAULT_HOLD_ON;
}

/** The codes among `anomalies` that hold the sheet (sorted, unique); [] when it counts at once. */
export function holdingCodes(anomalies: readonly Anomaly[], holdOn: readonly string[]): string[] {
  return [...new Set(anomalies.map((a) => a.code).filter((code) => holdOn.includes(code)))].sort();
}
