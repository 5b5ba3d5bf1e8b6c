import { CreateReadModels1761000000000 } from './1761000000000-create-read-models.migration';
import { AuditRequestIds1761500000000 } from './1761500000000-audit-request-ids.migration';
import { CreateAuditDigests1762000000000 } from './1762000000000-create-audit-digests.migration';
import { CreateTurnoutReadModels1763000000000 } from './1763000000000-create-turnout-read-models.migration';
import { LiveTimelineProjection1764000000000 } from './1764000000000-live-timeline-projection.migration';
import { CreateTimeIndex1764100000000 } from './1764100000000-create-time-index.migration';
import { CreatePollingAreaResults1765000000000 } from './1765000000000-create-polling-area-results.migration';
import { ElectionAmendments1765120000000 } from './1765120000000-election-amendments.migration';
import { UnitCertification1765200000000 } from './1765200000000-unit-certification.migration';
import { SheetWorkflow1765400000000 } from './1765400000000-sheet-workflow.migration';
import { UnitAnnulment1765300000000 } from './1765300000000-unit-annulment.migration';
import { SheetKeyIndex1765500000000 } from './1765500000000-sheet-key-index.migration';
import { DistrictLastPosition1765600000000 } from './1765600000000-district-last-position.migration';

/** In order; a new read-model table or column is a new migration here, and usually a projection version bump. */
export const READ_MODEL_MIGRATIONS = [
  CreateReadModels1761000000000,
  AuditRequestIds1761500000000,
  CreateAuditDigests1762000000000,
  CreateTurnoutReadModels1763000000000,
  LiveTimelineProjection1764000000000,
  CreateTimeIndex1764100000000,
  CreatePollingAreaResults1765000000000,
  ElectionAmendments1765120000000,
  UnitCertification1765200000000,
  UnitAnnulment1765300000000,
  SheetWorkflow1765400000000,
  SheetKeyIndex1765500000000,
  DistrictLastPosition1765600000000,
];
