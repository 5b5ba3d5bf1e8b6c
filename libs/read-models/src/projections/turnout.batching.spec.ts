import { describeBatchingIndependence } from '../testing/batching-property';
import { TurnoutProjection } from './turnout.projection';

describeBatchingIndependence((logger) => new TurnoutProjection(logger));
