export {
  createReadModelDataSource,
  runReadModelMigrations,
  READ_MODEL_MIGRATIONS_TABLE,
} from './data-source';
export type { ReadModelDataSourceOptions } from './data-source';
export { READ_MODEL_ENTITIES } from './entities/read-model.entities';
export { READ_MODEL_MIGRATIONS } from './migrations/read-model.migrations';
export { consoleLogger, PROJECTED_STREAM_PREFIXES } from './projection';
export type { Projection, ProjectionLogger } from './projection';
export { ResultsProjection } from './projections/results.projection';
export { AuditTrailProjection } from './projections/audit-trail.projection';
export { ProjectionRunner } from './projection-runner';
export type { ProjectionRunnerConfig, ProjectionRunnerOptions, ProjectionStatus } from './projection-runner';
export { ResultsQueries } from './queries/results.queries';
export { AuditQueries, MAX_AUDIT_PAGE } from './queries/audit.queries';
export type * from './queries/results.shapes';
export type * from './queries/audit.shapes';
export { TurnoutProjection } from './projections/turnout.projection';
export { TurnoutQueries, MAX_TIMELINE_POINTS } from './queries/turnout.queries';
export { readSnapshot } from './queries/read-snapshot';
export type * from './queries/turnout.shapes';
