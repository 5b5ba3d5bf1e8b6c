import { CommandContext } from '../shared/event-metadata';

/** A turnout figure of one polling area. `reportId` is the client's retry key. */
export interface ReportTurnout {
  type: 'ReportTurnout';
  electionId: string;
  pollingAreaId: string;
  reportId: string;
  /** ISO-8601 instant with a zone (Z or ±hh:mm); checked by the decider. */
  asOf: string;
  /** Checked by the decider: an integer ≥ 0, at most the polling area's registered voters. */
  votersVoted: number;
  context: CommandContext;
}

export type TurnoutCommand = ReportTurnout;
