/** A polling area's count of voters who have voted so far, as of a moment of the polling day. */
export interface TurnoutReported {
  type: 'TurnoutReported';
  data: {
    electionId: string;
    pollingAreaId: string;
    districtId: string;
    /** The client's retry key. */
    reportId: string;
    /** The instant the figure describes, normalised to UTC (`…Z`). */
    asOf: string;
    votersVoted: number;
    /** Registered voters of the polling area according to the definition, kept for the read side. */
    registeredVoters: number;
    reportedAt: string;
  };
}

/** Every event of a turnout-<election>.<pollingArea> stream. */
export type TurnoutEvent = TurnoutReported;
