import type { CityResults, DistrictResult } from '@tally/read-models';

/**
 * The contract between `GET /elections/{e}/live` (Server-Sent Events) and the press-room screen.
 *
 * Every SSE message has `id: <global position>` of the last event it covers. A client that reconnects with
 * `Last-Event-ID: <position>` receives only updates after that position, each change exactly once, and no snapshot.
 * A client that connects without `Last-Event-ID` first receives one `snapshot` (id = the position it reflects), then
 * `update`s. Heartbeats are SSE comment lines (`: heartbeat`) every 15 s, so proxies keep the stream open.
 *
 *   event: snapshot        data: LiveSnapshot
 *   event: update          data: LiveUpdate     (one per projection commit that touched this election)
 */
export type LiveEventName = 'snapshot' | 'update';

export interface LiveSnapshot {
  electionId: string;
  name: string;
  pollingDate: string;
  position: number;
  /** ISO time the snapshot was taken. */
  at: string;
  districts: DistrictResult[];
  city: CityResults;
  turnout: TurnoutView;
  /** The latest corrections, newest first (at most 20). */
  corrections: LiveCorrection[];
  /** How many corrections each district has had up to `position` (all of them; districts without any are absent). */
  correctionsByDistrict: Record<string, number>;
  /** Turnout and reporting progress over time, oldest first. */
  timeline: TimelinePoint[];
}

export interface LiveUpdate {
  electionId: string;
  /** Global position of the last event this update covers (also the SSE id). */
  position: number;
  /** The update covers events after this position, up to and including `position`. */
  fromPosition: number;
  at: string;
  /** Full current rows of every district the covered events touched. */
  districts: DistrictResult[];
  /** City totals after the covered events. */
  city: CityResults;
  /** Present when the covered events changed turnout. */
  turnout?: TurnoutView;
  /** Corrections among the covered events, newest first. */
  corrections: LiveCorrection[];
  /** Points to append to the timeline. */
  timeline: TimelinePoint[];
}

export interface LiveCorrection {
  position: number;
  /** When the correction was recorded. */
  at: string;
  correctionId?: string;
  districtId: string;
  pollingAreaId: string;
  contestId: string;
  reason: string;
  actor: { id: string; role?: string };
  changes: Array<{ field: string; before: number; after: number }>;
}

export interface TurnoutFigures {
  registeredVoters: number;
  pollingAreasExpected: number;
  latest: {
    votersVoted: number;
    /** votersVoted / registeredVoters, 4 decimals. */
    turnout: number;
    pollingAreasReported: number;
    /** Polling areas whose latest report equals their registered voters. */
    pollingAreasComplete: number;
  };
  /** One entry per reporting time of the election day (e.g. 12:30, 18:30, 19:30 local time), oldest first. */
  byReportingTime: Array<{ at: string; votersVoted: number; turnout: number; pollingAreasReported: number }>;
}

export interface TurnoutView {
  electionId: string;
  position: number;
  city: TurnoutFigures;
  districts: Array<TurnoutFigures & { districtId: string; name: string }>;
}

export interface TimelinePoint {
  at: string;
  position: number;
  /** City turnout so far, 0..1. */
  turnout: number;
  /** Share of expected polling areas reported per contest, 0..1, keyed by contestId. */
  reporting: Record<string, number>;
}
