import { AmendmentChange, PollingAreaChange } from './election-amendment';
import { ElectionDefinition } from './election.types';

export interface ElectionDefined {
  type: 'ElectionDefined';
  data: { definition: ElectionDefinition; definedAt: string };
}

/**
 * The definition changed: the changes as the administrator made them, in order, and why. `pollingAreaChanges` says,
 * for every polling area whose district, voters or units changed, where it stood before and after, so a read model
 * that keeps no copy of the definition (turnout, the live timeline) can follow without one.
 */
export interface ElectionAmended {
  type: 'ElectionAmended';
  data: {
    electionId: string;
    reason: string;
    changes: AmendmentChange[];
    pollingAreaChanges: PollingAreaChange[];
    amendedAt: string;
  };
}

/** Every event of an election-<id> stream. */
export type ElectionEvent = ElectionDefined | ElectionAmended;
