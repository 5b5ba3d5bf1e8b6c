import { ScanContentType } from '@tally/domain';

/** The answer to PUT …/scan: 201 when a TallyScanAttached was appended, 200 when these bytes already were the scan. */
export interface ScanWriteResult {
  tallyId: string;
  digest: string;
  size: number;
  contentType: ScanContentType;
  /** The sheet's revision after the scan (the If-Match a correction now needs). */
  revision: number;
  position: number;
  countsRevision: number;
  replayed: boolean;
}
