/**
 * The domain types and rules this library uses, in one place: libs/domain has no index.ts yet, so this file imports
 * by path; once `@tally/domain` exists only these lines change.
 */
export type { ElectionDefinition, ElectoralUnit } from '../../domain/src/election/election.types';
export type { ElectionDefined } from '../../domain/src/election/election.events';
export type { TallyCorrected, TallySubmitted } from '../../domain/src/tally/tally.events';
export type { TallyCounts, TallyPlacement } from '../../domain/src/tally/tally.types';
export { decideUnitOutcome } from '../../domain/src/results/winners';
export type { UnitOutcome, UnitOutcomeStatus } from '../../domain/src/results/winners';
export { ELECTION_STREAM_PREFIX, TALLY_STREAM_PREFIX } from '../../domain/src/stream-ids';
