import type { CityResults, DistrictResult } from '@tally/read-models';
import type { LiveSnapshot, LiveUpdate, LiveView } from '../../apps/api/src/live/live.contract';
import type { SseMessage } from './sse-client';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the screen's browser module, compiled by jest
const { applyDelta, withRatios } = require('../../apps/api/src/screen/public/js/delta.js') as {
  applyDelta<T>(prev: T, delta: unknown): T;
  withRatios(view: LiveView & { position: number }): ReplayedView;
};

/** The view with its ratios derived, in the shapes of the results endpoints. */
export interface ReplayedView {
  position: number;
  districts: Array<
    Omit<DistrictResult, 'contests'> & {
      contests: Array<Omit<DistrictResult['contests'][number], 'candidates'>>;
    }
  >;
  city: CityResults;
  turnout: LiveView['turnout'];
}

/**
 * The live view a client holds after these messages, as the screen computes it: a snapshot replaces the view, an
 * update's deltas apply to it. `start` is the view a resuming client already had.
 */
export function replay(messages: SseMessage[], start?: ReplayedView): ReplayedView {
  // A resumed view already has its ratios: the deltas leave them alone and withRatios derives them afresh.
  let view = start as unknown as (LiveView & { position: number }) | undefined;
  for (const m of messages) {
    if (m.event === 'snapshot') {
      const s = m.data as LiveSnapshot;
      view = { position: s.position, districts: s.districts, city: s.city, turnout: s.turnout };
    } else if (m.event === 'update') {
      const u = m.data as LiveUpdate;
      if (!view) throw new Error(`update ${u.position} before any snapshot`);
      if (u.fromPosition < view.position)
        throw new Error(`update ${u.position} starts before ${view.position}`);
      view = {
        position: u.position,
        districts: u.districts === undefined ? view.districts : applyDelta(view.districts, u.districts),
        city: u.city === undefined ? view.city : applyDelta(view.city, u.city),
        turnout: u.turnout === undefined ? view.turnout : applyDelta(view.turnout, u.turnout),
      };
    }
  }
  if (!view) throw new Error('no snapshot');
  return withRatios(view);
}

/** The districts an update's delta touched. */
export function touchedDistricts(update: LiveUpdate): string[] {
  return Object.keys((update.districts as Record<string, unknown> | undefined) ?? {}).filter(
    (k) => !k.startsWith('$'),
  );
}
