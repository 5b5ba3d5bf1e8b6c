import { CommandContext } from '../shared/event-metadata';
import { ElectionDefinition } from './election.types';

export interface DefineElection {
  type: 'DefineElection';
  definition: ElectionDefinition;
  context: CommandContext;
}

/** Every command of an election-<id> stream. */
export type ElectionCommand = DefineElection;
