import { CommandContext } from '../shared/event-metadata';
import { AmendmentChange, UnitRef } from './election-amendment';
import { ElectionDefinition } from './election.types';

export interface DefineElection {
  type: 'DefineElection';
  definition: ElectionDefinition;
  context: CommandContext;
}

/**
 * What is on record about the polling areas and units an amendment touches (its footprintOf), read by the handler
 * from the read models once they hold every stored event of the election: the decider stays pure.
 */
export interface OnRecord {
  /** The stored sheets of the footprint's polling areas, each where it was counted. */
  sheets: Array<{ pollingAreaId: string; contestId: string; districtId: string; unitId: string }>;
  /** The footprint's units that have stored sheets: how many, and the votes of each candidate on them. */
  units: Array<UnitRef & { sheets: number; candidateVotes: Record<string, number> }>;
  /** The footprint's polling areas with at least one turnout report. */
  turnoutReported: string[];
  /** The footprint's units that are certified now: their record lists their polling areas, candidates and seats. */
  certifiedUnits: UnitRef[];
}

export const NOTHING_ON_RECORD: OnRecord = Object.freeze({
  sheets: [],
  units: [],
  turnoutReported: [],
  certifiedUnits: [],
});

/** `expectedRevision` comes from If-Match: the definition's revision (the election stream's) the change was made on. */
export interface AmendElection {
  type: 'AmendElection';
  electionId: string;
  expectedRevision: number;
  reason: string;
  changes: AmendmentChange[];
  onRecord: OnRecord;
  context: CommandContext;
}

/** Every command of an election-<id> stream. */
export type ElectionCommand = DefineElection | AmendElection;
