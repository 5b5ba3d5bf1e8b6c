import { Anomaly } from '@tally/domain';

/** The answer to a submission or a correction (201), also returned unchanged to a retry. */
export interface TallyWriteResult {
  tallyId: string;
  revision: number;
  position: number;
  status: 'submitted' | 'corrected';
  anomalies: Anomaly[];
  /** True when this answers a retry: nothing new was appended. */
  replayed: boolean;
}
