/** Field names are the public contract of GET /elections/{e}/turnout and of the live stream (live.contract.ts). */
export interface TurnoutAtTime {
  /** The reporting time (UTC ISO). */
  at: string;
  votersVoted: number;
  /** votersVoted / registeredVoters (of every polling area), 4 decimals. */
  turnout: number;
  pollingAreasReported: number;
}

export interface TurnoutFigures {
  /** Of every polling area (definition), reported or not. */
  registeredVoters: number;
  pollingAreasExpected: number;
  latest: {
    votersVoted: number;
    turnout: number;
    pollingAreasReported: number;
    pollingAreasComplete: number;
  };
  byReportingTime: TurnoutAtTime[];
}

export interface DistrictTurnout extends TurnoutFigures {
  districtId: string;
  name: string;
}

export interface TurnoutView {
  electionId: string;
  position: number;
  city: TurnoutFigures;
  districts: DistrictTurnout[];
}

export interface TimelinePoint {
  at: string;
  position: number;
  turnout: number;
  reporting: Record<string, number>;
}

export interface ElectionListItem {
  electionId: string;
  name: string;
  pollingDate: string;
  position: number;
}
