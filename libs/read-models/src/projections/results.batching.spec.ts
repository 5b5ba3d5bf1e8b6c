import { describeBatchingIndependence } from '../testing/batching-property';
import { ResultsProjection } from './results.projection';

describeBatchingIndependence((logger) => new ResultsProjection(logger));
