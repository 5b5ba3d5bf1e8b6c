import { describeBatchingIndependence } from '../testing/batching-property';
import { PollingAreaResultsProjection } from './polling-area-results.projection';

describeBatchingIndependence((logger) => new PollingAreaResultsProjection(logger));
