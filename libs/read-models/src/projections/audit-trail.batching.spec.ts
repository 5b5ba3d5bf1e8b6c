import { describeBatchingIndependence } from '../testing/batching-property';
import { AuditTrailProjection } from './audit-trail.projection';

describeBatchingIndependence((logger) => new AuditTrailProjection(logger));
