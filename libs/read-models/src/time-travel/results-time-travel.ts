import { type EventStore, START, type StoredEvent } from '@tally/event-store';
import { ElectionDefinition, electionStreamId, TALLY_STREAM_PREFIX, UNIT_STREAM_PREFIX } from '@tally/domain';
import { consoleLogger, ProjectionLogger } from '../projection';
import { RESULTS_METADATA_KEYS, ResultsProjection } from '../projections/results.projection';
import { InMemoryResultsState } from '../projections/results-state';
import {
  buildCityResults,
  buildDistrictResults,
  contestsShownWith,
  unitsCountedIn,
} from '../queries/results-builder';
import type { CityResults, DistrictResults, SingleDistrictResult } from '../queries/results.shapes';

/** A point of the log: a position, or the last event recorded at or before an instant. */
export type LogPoint = { atPosition: number } | { asOf: Date };

/** One election folded in memory up to a position, with the live projection's own rules. */
export interface FoldedElection {
  electionId: string;
  position: number;
  definition: ElectionDefinition;
  state: InMemoryResultsState;
}

/** The streams the results are folded from: the election's definition, its tally sheets and its units. */
export function resultsStreamPrefixes(electionId: string): string[] {
  return [
    electionStreamId(electionId),
    `${TALLY_STREAM_PREFIX}${electionId}.`,
    `${UNIT_STREAM_PREFIX}${electionId}.`,
  ];
}

/** The events of one election the results fold (election, tally and unit streams), in global order. */
export function isElectionEvent(electionId: string, streamId: string): boolean {
  const [definition, ...categories] = resultsStreamPrefixes(electionId);
  return streamId === definition || categories.some((prefix) => streamId.startsWith(prefix));
}

/**
 * A fold of one election's events in memory with ResultsProjection: apply pages of them in order, then take the
 * result. `from`: a fold of the same election's earlier events to go on from (it is copied, not changed).
 */
export class ResultsFold {
  private readonly projection: ResultsProjection;
  private readonly state: InMemoryResultsState;

  constructor(
    private readonly electionId: string,
    logger: ProjectionLogger = consoleLogger,
    from?: FoldedElection,
  ) {
    this.projection = new ResultsProjection(logger);
    this.state = from ? from.state.copy() : new InMemoryResultsState();
  }

  apply(events: StoredEvent[]): void {
    this.projection.applyTo(this.state, events);
  }

  /** The fold as it stands, for `position` (its last event's or later); null when the election is not defined. */
  result(position: number): FoldedElection | null {
    const election = this.state.electionRow(this.electionId);
    if (!election) return null;
    const definition = election.definition as ElectionDefinition;
    return { electionId: this.electionId, position, definition, state: this.state };
  }
}

/** Folds events with ResultsProjection into memory; null when the election is not defined in them. */
export function foldResults(
  electionId: string,
  position: number,
  events: Iterable<StoredEvent>,
  logger: ProjectionLogger = consoleLogger,
): FoldedElection | null {
  const fold = new ResultsFold(electionId, logger);
  let page: StoredEvent[] = [];
  for (const event of events) {
    page.push(event);
    if (page.length >= 1000) {
      fold.apply(page);
      page = [];
    }
  }
  fold.apply(page);
  return fold.result(position);
}

/** `contestId`: that contest alone, as ResultsQueries.cityResults gives it (only its units are judged). */
export function cityOf(folded: FoldedElection, contestId?: string): CityResults {
  const districts = folded.state.districtRows(folded.electionId);
  const units = folded.state.unitRows(folded.electionId);
  if (contestId === undefined) return buildCityResults(folded.definition, folded.position, districts, units);
  const shown = new Set(contestsShownWith(folded.definition, contestId));
  return buildCityResults(
    folded.definition,
    folded.position,
    districts.filter((d) => shown.has(d.contestId)),
    units.filter((u) => shown.has(u.contestId)),
    {
      contestId,
      allUnits: units.map((u) => ({
        contestId: u.contestId,
        unitId: u.unitId,
        certified: u.certification !== null,
      })),
    },
  );
}

export function districtsOf(folded: FoldedElection): DistrictResults {
  return {
    electionId: folded.electionId,
    position: folded.position,
    districts: buildDistrictResults(
      folded.definition,
      folded.state.districtRows(folded.electionId),
      folded.state.unitRows(folded.electionId),
    ),
  };
}

/** One district from its own rows and the units they count, as ResultsQueries.districtResult loads them. */
export function districtOf(folded: FoldedElection, districtId: string): SingleDistrictResult | null {
  const rows = folded.state.districtRows(folded.electionId).filter((d) => d.districtId === districtId);
  const counted = new Set(unitsCountedIn(folded.definition, rows));
  const [district] = buildDistrictResults(
    folded.definition,
    rows,
    folded.state.unitRows(folded.electionId).filter((u) => counted.has(u.unitId)),
    districtId,
  );
  return district ? { electionId: folded.electionId, position: folded.position, ...district } : null;
}

/** What a time-travel request shows of a fold: the city (one contest, or all), every district, or one district. */
export type TimeTravelView =
  { kind: 'city'; contestId?: string } | { kind: 'districts' } | { kind: 'district'; districtId: string };

/**
 * A view of a fold, as plain data (it crosses to another thread as it is): `defined` false when the election was not
 * defined at that position; `body` null when the district asked for is not part of the election.
 */
export type TimeTravelAnswer =
  { defined: false } | { defined: true; body: CityResults | DistrictResults | SingleDistrictResult | null };

export function answerOf(folded: FoldedElection | null, view: TimeTravelView): TimeTravelAnswer {
  if (!folded) return { defined: false };
  switch (view.kind) {
    case 'city':
      return { defined: true, body: cityOf(folded, view.contestId) };
    case 'districts':
      return { defined: true, body: districtsOf(folded) };
    case 'district':
      return { defined: true, body: districtOf(folded, view.districtId) };
  }
}

/** One key per view: requests with the same key at the same position have the same answer. */
export function viewKey(view: TimeTravelView): string {
  switch (view.kind) {
    case 'city':
      return view.contestId === undefined ? 'city' : `city:${view.contestId}`;
    case 'districts':
      return 'districts';
    case 'district':
      return `district:${view.districtId}`;
  }
}

/**
 * Results as they stood at a point of the log: the election's events up to that position are read from the store
 * and folded in memory by ResultsProjection (the same code the live read models run), then shaped by the same
 * builders as the live queries.
 */
export class ResultsTimeTravel {
  /** The folds kept, most recently used last. A position at or below the head never changes, nor does its fold. */
  private readonly kept: FoldedElection[] = [];
  /** The folds under way, by election and position: a second request for one shares it. */
  private readonly running = new Map<string, Promise<FoldedElection | null>>();

  constructor(
    private readonly store: EventStore,
    private readonly logger: ProjectionLogger = consoleLogger,
    /**
     * Events per read. Each page is parsed and folded without a pause, so it bounds how long a fold holds the
     * process's thread at a stretch (about 20 ms for 1,000 national sheets; 5,000 made stalls of 100-280 ms).
     */
    private readonly pageSize = 1000,
    /** The time index (TimeIndexQueries): without it, positionAt searches the log unbounded. */
    private readonly timeIndex?: { positionBefore(instant: Date): Promise<number> },
    /**
     * Folds to keep (0: none). A request then folds on from the latest kept fold of its election at or before its
     * position, reading and folding only the events after it: the same position again costs nothing, and an auditor
     * stepping forward through the night pays for each step alone.
     */
    private readonly keep = 0,
  ) {}

  /** The position a point stands for: START (-1) for an instant before the first event. */
  async resolve(point: LogPoint): Promise<number> {
    if ('atPosition' in point) return point.atPosition;
    // The index bounds the search to the events after its last row before the instant (about a minute's worth).
    const after = this.timeIndex ? await this.timeIndex.positionBefore(point.asOf) : START;
    return this.store.positionAt(point.asOf, after === START ? {} : { after });
  }

  /**
   * Null when the election was not defined at that position. The fold returned may be kept and handed to later
   * callers: read it, never change it.
   */
  fold(electionId: string, position: number): Promise<FoldedElection | null> {
    const key = `${electionId}@${position}`;
    const running = this.running.get(key);
    if (running) return running;
    const fold = this.foldOnce(electionId, position).finally(() => this.running.delete(key));
    this.running.set(key, fold);
    return fold;
  }

  private async foldOnce(electionId: string, position: number): Promise<FoldedElection | null> {
    const from = this.keptBefore(electionId, position);
    if (from?.position === position) return from;
    // Each page is folded as it arrives (nothing but the fold outlives it) while the next one is read.
    const fold = new ResultsFold(electionId, this.logger, from);
    const prefixes = resultsStreamPrefixes(electionId);
    const read = (after: number) =>
      this.store.readAll({
        after,
        to: position,
        maxCount: this.pageSize,
        streamPrefixes: prefixes,
        metadataKeys: RESULTS_METADATA_KEYS,
      });
    let next: Promise<StoredEvent[]> | undefined = read(from?.position ?? -1);
    while (next) {
      const page: StoredEvent[] = await next;
      const last = page[page.length - 1];
      next = page.length >= this.pageSize && last.position < position ? read(last.position) : undefined;
      try {
        fold.apply(page.filter((event) => isElectionEvent(electionId, event.streamId)));
      } catch (error) {
        next?.catch(() => undefined);
        throw error;
      }
    }
    const folded = fold.result(position);
    if (folded) this.remember(folded);
    return folded;
  }

  /** The kept fold of the election at exactly `position` (marked as just used), if any: fold() answers it at once. */
  keptAt(electionId: string, position: number): FoldedElection | undefined {
    const kept = this.keptBefore(electionId, position);
    return kept?.position === position ? kept : undefined;
  }

  /** The latest kept fold of the election at or before `position` (marked as just used), if any. */
  private keptBefore(electionId: string, position: number): FoldedElection | undefined {
    let best: FoldedElection | undefined;
    for (const fold of this.kept) {
      if (
        fold.electionId === electionId &&
        fold.position <= position &&
        (!best || fold.position > best.position)
      )
        best = fold;
    }
    if (best) this.kept.push(...this.kept.splice(this.kept.indexOf(best), 1));
    return best;
  }

  private remember(fold: FoldedElection): void {
    if (this.keep <= 0) return;
    const same = this.kept.findIndex((k) => k.electionId === fold.electionId && k.position === fold.position);
    if (same >= 0) this.kept.splice(same, 1);
    this.kept.push(fold);
    while (this.kept.length > this.keep) this.kept.shift();
  }
}
