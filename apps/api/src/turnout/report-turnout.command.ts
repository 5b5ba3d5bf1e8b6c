import { ReportTurnout } from '@tally/domain';

export class ReportTurnoutCommand {
  constructor(readonly report: Omit<ReportTurnout, 'type'>) {}
}

export interface TurnoutWriteResult {
  reportId: string;
  pollingAreaId: string;
  revision: number;
  position: number;
  replayed: boolean;
}
