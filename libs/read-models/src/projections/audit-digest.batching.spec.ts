import { describeBatchingIndependence } from '../testing/batching-property';
import { AuditDigestProjection } from './audit-digest.projection';

describeBatchingIndependence((logger) => new AuditDigestProjection(logger));
