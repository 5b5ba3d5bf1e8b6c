/** Field names here are the public contract of the audit endpoint (issue 2, section 7). */
export interface AuditItem {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  recordedAt: string;
  actor: Record<string, unknown>;
  reason: string | null;
  /** The request that recorded the event (x-request-id), and its correlation id. */
  requestId: string | null;
  correlationId: string | null;
  summary: string;
  pollingAreaId: string | null;
  contestId: string | null;
  districtId: string | null;
}

export interface AuditPage {
  electionId: string;
  /** The audit-trail projection's checkpoint in the snapshot the page was read from. */
  position: number;
  items: AuditItem[];
  /** Pass as `after` for the next page; null when this page reaches the end of what is projected. */
  nextCursor: number | null;
}

export interface AuditListOptions {
  /** Exclusive: items with a greater position. */
  after?: number;
  limit: number;
  /** Filters (issue 4), all optional and combined with AND. */
  districtId?: string;
  pollingAreaId?: string;
  contestId?: string;
  /** The actor's id. */
  actor?: string;
  /** The event type, e.g. TallyCorrected. */
  type?: string;
  /** Recorded at or after this instant. */
  from?: Date;
  /** Recorded at or before this instant. */
  to?: Date;
}
