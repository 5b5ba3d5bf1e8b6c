import { CommandContext } from '../shared/event-metadata';
import { ReviewDecision } from './tally.events';
import { ScanContentType, TallyCounts } from './tally.types';

/** The first sheet for a polling area and contest. `submissionId` is the client's retry key. */
export interface SubmitTally {
  type: 'SubmitTally';
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  submissionId: string;
  counts: TallyCounts;
  context: CommandContext;
}

/** Replaces the current counts of a sheet; `expectedRevision` comes from If-Match so two admins cannot overwrite blindly. */
export interface CorrectTally {
  type: 'CorrectTally';
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  expectedRevision: number;
  reason: string;
  counts: TallyCounts;
  /** Optional client retry key: the same id with the same counts and reason is a retry, with others a conflict. */
  correctionId?: string;
  context: CommandContext;
}

/** Links stored scan bytes to the sheet; the api has stored them (content-addressed) before it sends this. */
export interface AttachTallyScan {
  type: 'AttachTallyScan';
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  digest: string;
  size: number;
  contentType: ScanContentType;
  context: CommandContext;
}

/** An admin of the district settles a discrepancy between two entries; `expectedRevision` from If-Match. */
export interface ResolveDiscrepancy {
  type: 'ResolveDiscrepancy';
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  expectedRevision: number;
  reason: string;
  counts: TallyCounts;
  context: CommandContext;
}

/** An admin of the district decides on a held sheet; `expectedRevision` from If-Match. */
export interface ReviewTally {
  type: 'ReviewTally';
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  expectedRevision: number;
  decision: ReviewDecision;
  reason: string;
  context: CommandContext;
}

/** Every command of a tally-<election>.<pollingArea>.<contest> stream. */
export type TallyCommand = SubmitTally | CorrectTally | AttachTallyScan | ResolveDiscrepancy | ReviewTally;
