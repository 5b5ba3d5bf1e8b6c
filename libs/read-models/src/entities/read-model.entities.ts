import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { RmAuditEntryEntity } from './rm-audit-entry.entity';
import { RmDistrictResultEntity } from './rm-district-result.entity';
import { RmElectionEntity } from './rm-election.entity';
import { RmTallySheetEntity } from './rm-tally-sheet.entity';
import { RmUnitResultEntity } from './rm-unit-result.entity';

export const READ_MODEL_ENTITIES = [
  ProjectionCheckpointEntity,
  RmElectionEntity,
  RmTallySheetEntity,
  RmDistrictResultEntity,
  RmUnitResultEntity,
  RmAuditEntryEntity,
];
