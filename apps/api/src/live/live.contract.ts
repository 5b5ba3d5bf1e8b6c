import type {
  CandidateResult,
  CityContestResult,
  CityResults,
  DistrictContestResult,
  UnitResult,
} from '@tally/read-models';

/**
 * The contract between `GET /elections/{e}/live` (Server-Sent Events) and the press-room screen.
 *
 * Every SSE message has `id: <global position>` of the last event it covers. A client that connects without
 * `Last-Event-ID` first receives one `snapshot` (id = the position it reflects), then `update`s. Each update is a
 * delta: applied (`applyDelta`, apps/api/src/screen/public/js/delta.js) to the state of the previous message it
 * gives the state at its own position. A client that reconnects with `Last-Event-ID: <position>` receives the
 * updates after that position (each change exactly once) when the server still holds them, else a fresh
 * `snapshot` that replaces its state. Heartbeats are SSE comment lines (`: heartbeat`) every 15 s, so proxies keep
 * the stream open. Every open stream of a process (of the same `?contest=`) receives the same bytes for the same update.
 *
 *   event: snapshot        data: LiveSnapshot
 *   event: update          data: LiveUpdate     (at most one per LIVE_UPDATE_INTERVAL_MS per election)
 *   event: reconnect       data: { reason: 'shutdown' }   (the last message when the api shuts down, after
 *                          `retry: 1000` and without an id: reconnect with the Last-Event-ID of the last update)
 */
export type LiveEventName = 'snapshot' | 'update' | 'reconnect';

/**
 * A district as the live view shows it: its totals per contest (per-candidate votes and the unit summaries:
 * GET …/results/districts/{d}; the units themselves are in `city`).
 */
export interface LiveDistrict {
  districtId: string;
  name: string;
  contests: Array<Omit<DistrictContestResult, 'candidates' | 'turnout' | 'units'>>;
}

type WithoutTurnout<T> = Omit<T, 'turnout'>;

/** City results without the ratios: `turnout` of every total and `share` of every candidate. */
export interface LiveCity extends Omit<CityResults, 'contests'> {
  contests: Array<
    WithoutTurnout<Omit<CityContestResult, 'units'>> & {
      units: Array<
        WithoutTurnout<Omit<UnitResult, 'candidates'>> & { candidates: Array<Omit<CandidateResult, 'share'>> }
      >;
    }
  >;
}

/**
 * The rows of the live view; updates carry their deltas. The ratios are left out: a viewer derives `turnout` =
 * ratio(votersVoted, registeredVoters) of every district contest, city contest and unit, and `share` =
 * ratio(votes, the unit's validBallots) of every candidate, where ratio(a, b) = b > 0 ? round(a / b × 10⁴) / 10⁴ : 0
 * — exactly as the results endpoints compute them (`withRatios` in apps/api/src/screen/public/js/delta.js).
 */
export interface LiveView {
  districts: LiveDistrict[];
  city: LiveCity;
  turnout: TurnoutView;
}

export interface LiveSnapshot extends LiveView {
  electionId: string;
  name: string;
  pollingDate: string;
  position: number;
  /** ISO time the snapshot was taken. */
  at: string;
  /** The latest corrections, newest first (at most 20). */
  corrections: LiveCorrection[];
  /** How many corrections each district has had up to `position` (all of them; districts without any are absent). */
  correctionsByDistrict: Record<string, number>;
  /** Turnout and reporting progress over time, oldest first. */
  timeline: TimelinePoint[];
}

/**
 * A delta (see delta.js): a plain value replaces; `{ "$set": v }` replaces with v; for an object, the changed keys
 * with their deltas; for an array keyed by `districtId` / `contestId` / `unitId` / `candidateId` / `at`, the changed
 * elements by id and, when the order changed, `"$order"`: the ids in the new order.
 */
export type LiveDelta = unknown;

export interface LiveUpdate {
  electionId: string;
  /** Global position of the last event this update covers (also the SSE id). */
  position: number;
  /** The update covers events after this position, up to and including `position`; it applies to the state there. */
  fromPosition: number;
  at: string;
  /** What changed in `districts` (absent: nothing). Only the districts the covered events touched appear in it. */
  districts?: LiveDelta;
  /** What changed in `city`: the contests, units and candidates the events touched, and `position`. */
  city?: LiveDelta;
  /** What changed in `turnout` (absent: nothing). */
  turnout?: LiveDelta;
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
