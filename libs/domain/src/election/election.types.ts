/** An election definition as the administrator submits it (POST /elections) and ElectionDefined stores it. */
export interface District {
  districtId: string;
  name: string;
}

export interface PollingArea {
  pollingAreaId: string;
  districtId: string;
  registeredVoters: number;
  name?: string;
}

export interface Candidate {
  candidateId: string;
  name: string;
  /** ISO date (YYYY-MM-DD): a tie for the last seat goes to the older candidate (Art. 78). */
  birthDate: string;
}

export interface ElectoralUnit {
  unitId: string;
  name: string;
  seats: number;
  /** The unit covers whole districts ... */
  districtIds?: string[];
  /** ... or a list of polling areas. Exactly one of the two is given. */
  pollingAreaIds?: string[];
  candidates: Candidate[];
}

/**
 * Which body a contest elects; it decides when a unit's seats are filled enough (Art. 79): the National Assembly
 * needs every seat, a People's Council at least two thirds of them.
 */
export const CONTEST_KINDS = [
  'national-assembly',
  'provincial-council',
  'district-council',
  'commune-council',
] as const;
export type ContestKind = (typeof CONTEST_KINDS)[number];

export function isContestKind(value: unknown): value is ContestKind {
  return typeof value === 'string' && (CONTEST_KINDS as readonly string[]).includes(value);
}

/**
 * A follow-up round (Art. 79 bầu cử thêm, Art. 80 bầu cử lại): `supplementary` elects the seats a unit left unfilled,
 * `re-vote` holds the unit's election again and its result replaces the unit's.
 */
export const ROUND_KINDS = ['supplementary', 're-vote'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

export function isRoundKind(value: unknown): value is RoundKind {
  return typeof value === 'string' && (ROUND_KINDS as readonly string[]).includes(value);
}

/** What makes a contest a follow-up round: the contest it follows up (`of`) and exactly the units it re-runs. */
export interface ContestRound {
  kind: RoundKind;
  /** The original contest (one without a round). */
  of: string;
  /** The original contest's units this round holds; the round's electoral units carry the same ids. */
  units: string[];
}

export interface Contest {
  contestId: string;
  name: string;
  /** Optional: a contest without a kind is judged like the National Assembly (every seat must be filled). */
  kind?: ContestKind;
  /** Only for a follow-up round: which contest and units it follows up. */
  round?: ContestRound;
  /** Only for a follow-up round: its own polling day (ISO date), after the election's. */
  pollingDate?: string;
  electoralUnits: ElectoralUnit[];
}

export interface ElectionDefinition {
  electionId: string;
  name: string;
  /** ISO date (YYYY-MM-DD). */
  pollingDate: string;
  /** Local time of the polling day as an offset from UTC, e.g. "+07:00" (the default). */
  utcOffset?: string;
  /** Local times ("HH:MM") at which turnout is reported; default 12:30, 18:30, 19:30 (Hanoi 2021). */
  turnoutReportingTimes?: string[];
  /** The scanned counting records (GET …/tallies/{pa}/{c}/scan) are public; default false: admins and auditors only. */
  publishScans?: boolean;
  /** `doubleEntry`: a sheet counts only once a second official has entered the same figures (or an admin resolved). */
  verification?: { doubleEntry?: boolean };
  /** Which anomaly codes hold a sheet for review; absent: ["ANOMALY.VOTERS_EXCEED_LIST"], [] holds nothing. */
  review?: { holdOn?: string[] };
  districts: District[];
  pollingAreas: PollingArea[];
  contests: Contest[];
}
