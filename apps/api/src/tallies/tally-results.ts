import { Anomaly, EntryStatus, SheetStanding } from '@tally/domain';

/** The answer to a write on a sheet (201), also returned unchanged to a retry. */
export interface TallyWriteResult {
  tallyId: string;
  revision: number;
  position: number;
  /**
   * What this write did: an entry's outcome (submitted, held, awaiting-second-entry, verified, discrepancy), or
   * corrected, resolved, released, correction-required.
   */
  status: EntryStatus | 'corrected' | 'resolved' | 'released' | 'correction-required';
  /** Whether the sheet now counts in the totals, and if not what it waits for. */
  standing: Exclude<SheetStanding, 'unreported'>;
  anomalies: Anomaly[];
  /** A second entry that differs from the first: every differing field. */
  discrepancies?: string[];
  /** True when this answers a retry: nothing new was appended. */
  replayed: boolean;
}
