/** The figures of one counting record (biên bản kết quả kiểm phiếu) for one polling area and contest. */
export interface TallyCounts {
  registeredVoters: number;
  votersVoted: number;
  ballotsIssued: number;
  ballotsReceived: number;
  validBallots: number;
  invalidBallots: number;
  /** candidateId → votes; exactly the electoral unit's candidates. */
  candidateVotes: Record<string, number>;
}

/** A soft finding: the sheet is accepted, but someone should look. */
export interface Anomaly {
  code: string;
  message: string;
  /** The count field it concerns, e.g. "invalidBallots". */
  field?: string;
}

/** Where a sheet sits in the election: resolved from the definition when it is submitted, stored on the event. */
export interface TallyPlacement {
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  unitId: string;
}

/** The formats a scanned counting record may have (PUT …/scan): photos and PDF scans. */
export const SCAN_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type ScanContentType = (typeof SCAN_CONTENT_TYPES)[number];

/** One scan attached to a sheet, as the sheet's state lists it. */
export interface TallyScan {
  digest: string;
  size: number;
  contentType: ScanContentType;
  /** Stream revision of the TallyScanAttached event. */
  revision: number;
  countsRevision: number;
  attachedAt: string;
}
