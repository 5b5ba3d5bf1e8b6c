import { describeBatchingIndependence } from '../testing/batching-property';
import { LiveTimelineProjection } from './live-timeline.projection';

describeBatchingIndependence((logger) => new LiveTimelineProjection(logger));
