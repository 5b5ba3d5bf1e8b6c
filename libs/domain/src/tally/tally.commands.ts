import { CommandContext } from '../shared/event-metadata';
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

/** Every command of a tally-<election>.<pollingArea>.<contest> stream. */
export type TallyCommand = SubmitTally | CorrectTally | AttachTallyScan;
