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
export type { ProjectionObserver } from './runner/projection-worker';
export { ResultsQueries } from './queries/results.queries';
export type { SheetOnHold, SheetsOnHold } from './queries/results.queries';
export { AuditQueries, MAX_AUDIT_PAGE } from './queries/audit.queries';
export type * from './queries/results.shapes';
export type * from './queries/audit.shapes';
export { AuditDigestProjection, foldDigest } from './projections/audit-digest.projection';
export type { DigestState } from './projections/audit-digest.projection';
export { AuditCheckpointQueries } from './queries/audit-checkpoint.queries';
export type { AuditCheckpoint } from './queries/audit-checkpoint.queries';
export { ChainVerifier, describeProblem } from './audit/chain-verifier';
export type {
  ChainProblem,
  ChainVerifierOptions,
  ElectionDigest,
  ProblemKind,
  PublishedCheckpoint,
} from './audit/chain-verifier';
export { verifyLog } from './audit/verify-log';
export { checkScans, scanReferenceOf } from './audit/scan-check';
export type { ScanBytes, ScanReference } from './audit/scan-check';
export type { VerifyLogOptions, VerifyLogReport } from './audit/verify-log';
export { InMemoryResultsState } from './projections/results-state';
export type { ResultsState } from './projections/results-state';
export { buildCityResults, buildDistrictResults } from './queries/results-builder';
export {
  answerOf,
  cityOf,
  districtOf,
  districtsOf,
  foldResults,
  isElectionEvent,
  ResultsTimeTravel,
  viewKey,
} from './time-travel/results-time-travel';
export type {
  FoldedElection,
  LogPoint,
  TimeTravelAnswer,
  TimeTravelView,
} from './time-travel/results-time-travel';
export { exportLines, parseExportLine, toExportLine, verifyExportFile } from './audit/export-format';
export type { ExportLine, ExportVerification } from './audit/export-format';
export { ShadowRebuild } from './rebuild/shadow-rebuild';
export type { ShadowResult, TableDifference } from './rebuild/shadow-rebuild';
export { TurnoutProjection } from './projections/turnout.projection';
export { LiveTimelineProjection, TIMELINE_BUCKET_MS } from './projections/live-timeline.projection';
export { TimeIndexProjection } from './projections/time-index.projection';
export { TimeIndexQueries } from './queries/time-index.queries';
export { TurnoutQueries, MAX_TIMELINE_POINTS } from './queries/turnout.queries';
export { readSnapshot } from './queries/read-snapshot';
export { ReadRouter, type ReadDatabase } from './queries/read-router';
export type * from './queries/turnout.shapes';
export { PollingAreaResultsProjection } from './projections/polling-area-results.projection';
export type { PollingAreaResultRow } from './projections/polling-area-results.projection';
export { PollingAreaResultsQueries } from './queries/polling-area-results.queries';
export type { OpenDataCursor, OpenDataRow } from './queries/polling-area-results.queries';
export { OnRecordQueries } from './queries/on-record.queries';
