import { ElectionDefinition } from './election.types';

export interface ElectionDefined {
  type: 'ElectionDefined';
  data: { definition: ElectionDefinition; definedAt: string };
}

/** Every event of an election-<id> stream. */
export type ElectionEvent = ElectionDefined;
