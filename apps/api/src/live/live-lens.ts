import type { LiveView } from './live.contract';

/**
 * What a viewer sees of its election's live view: the whole of it, or the results of one contest
 * (`GET /elections/{e}/live?contest=na`). A channel computes each update once and derives from it, once per lens,
 * the update its viewers of that lens receive, so a lens costs one delta per update, not one per viewer.
 */
export interface LiveLens {
  /** Lenses with the same key show the same thing ('' for the whole view). */
  readonly key: string;
  /** The part of the view the lens shows; unchanged parts keep their identity, so the delta skips them at once. */
  apply(view: LiveView): LiveView;
}

export const WHOLE_VIEW: LiveLens = { key: '', apply: (view) => view };

/**
 * One contest's results, as `?contest=` on the results endpoints gives them: every district with that contest's
 * totals alone, the city with that contest alone (its units and candidates) and the election-wide counts
 * (`unitsCertified`, `unitsTotal`, `official`) as they are. Turnout is the election's, whatever the contest.
 */
export function contestLens(contestId: string): LiveLens {
  const only = <T extends { contestId: string }>(contests: T[]): T[] =>
    contests.filter((c) => c.contestId === contestId);
  return {
    key: `contest:${contestId}`,
    apply: (view) => ({
      districts: view.districts.map((d) => ({ ...d, contests: only(d.contests) })),
      city: { ...view.city, contests: only(view.city.contests) },
      turnout: view.turnout,
    }),
  };
}
