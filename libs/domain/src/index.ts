/** The single entry of the domain library: other code imports `@tally/domain`, never a file inside it. */
export * from './shared/domain-error';
export * from './shared/event-metadata';
export * from './shared/iso-date';
export * from './shared/assert-never';
export * from './stream-ids';

export * from './election/election.types';
export * from './election/election.events';
export * from './election/election.commands';
export * from './election/election-rules';
export * from './election/election-index';
export * from './election/election.decider';

export * from './tally/tally.types';
export * from './tally/tally.events';
export * from './tally/tally.commands';
export * from './tally/tally-counts';
export * from './tally/tally-rules';
export * from './tally/tally-review';
export * from './tally/tally.decider';
export * from './tally/tally-scan.decider';

export * from './results/winners';
export * from './results/rounds';

export * from './access/access-policy';
export * from './audit/hash-chain';
export * from './audit/checkpoint-signature';
export * from './turnout/turnout.events';
export * from './turnout/turnout.commands';
export * from './turnout/turnout-schedule';
export * from './turnout/turnout.decider';
export * from './election/election-amendment';
export * from './election/amendment-conflicts';

export * from './unit/unit.events';
export * from './unit/unit.commands';
export * from './unit/unit.decider';
