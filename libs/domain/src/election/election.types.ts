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

export interface Contest {
  contestId: string;
  name: string;
  /** Optional: a contest without a kind is judged like the National Assembly (every seat must be filled). */
  kind?: ContestKind;
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
  districts: District[];
  pollingAreas: PollingArea[];
  contests: Contest[];
}
