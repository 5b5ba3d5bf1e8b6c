import { describeBatchingIndependence } from '../testing/batching-property';
import { TimeIndexProjection } from './time-index.projection';

describeBatchingIndependence(() => new TimeIndexProjection());
