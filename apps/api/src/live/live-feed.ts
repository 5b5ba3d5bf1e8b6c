import { Injectable } from '@nestjs/common';
import {
  electionStreamPrefixes,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
  UNIT_STREAM_PREFIX,
} from '@tally/domain';
import { EventStore, StoredEvent } from '@tally/event-store';
import { CityResults, ReadRouter, ResultsQueries, TurnoutQueries, type UnitResult } from '@tally/read-models';
import type { ElectionCatalog } from '../elections/election-catalog';
import type { LiveSource } from './live-channel';
import type {
  LiveCity,
  LiveCorrection,
  LiveSnapshot,
  LiveUpdate,
  LiveView,
  TimelinePoint,
  TurnoutView,
} from './live.contract';

/** Events read from the store per query while building one update. */
const PAGE = 2000;
const MAX_CORRECTIONS = 20;

/** Builds the messages of GET /elections/{e}/live from the event store (what changed) and the read models (rows). */
@Injectable()
export class LiveFeed {
  constructor(
    private readonly eventStore: EventStore,
    private readonly results: ResultsQueries,
    private readonly turnout: TurnoutQueries,
    private readonly router: ReadRouter,
  ) {}

  /**
   * The rows a viewer sees: districts (their totals per contest; per-candidate votes of a district are in
   * GET …/results/districts/{d}), the city with every unit and candidate, and turnout. Null while the election is
   * not projected.
   *
   * `known` is the view before `events` (the election's events since it, in order): the units the events name are
   * judged again and every other unit is kept as it was, the same object, so the delta (whose `diff` skips an
   * unchanged object at once) costs what changed, not the ~12,600 units of a national night. The definition's
   * events, or any event that names no unit, read every unit again. Turnout is read again only when a turnout
   * report or an amendment is among the events.
   */
  async view(electionId: string, known?: LiveView, events?: StoredEvent[]): Promise<LiveView | null> {
    const kept = known ? this.judged.get(known) : undefined;
    const unitIds = kept && events ? unitsNamedBy(events) : undefined;
    const keptTurnout =
      known && events && !events.some((e) => e.type === 'TurnoutReported' || e.type === 'ElectionAmended')
        ? known.turnout
        : undefined;
    // The primary: the rows must reflect the position the checkpoints (read there) announced.
    const [results, turnout] = await this.router.onPrimary(() =>
      Promise.all([
        this.results.liveResults(electionId, unitIds),
        keptTurnout ? Promise.resolve(keptTurnout) : this.turnout.turnout(electionId),
      ]),
    );
    if (!results || !turnout) return null;
    let units = results.units;
    if (unitIds && kept) {
      units = new Map(kept);
      for (const [key, unit] of results.units) units.set(key, unit);
    }
    const city = results.city(units);
    // The ratios (turnout of a total, share of a candidate) follow from the counts: the viewer derives them
    // (withRatios in delta.js), so the many updates a night brings do not carry them.
    const view: LiveView = {
      districts: results.districts.map((d) => ({
        districtId: d.districtId,
        name: d.name,
        contests: d.contests.map(
          ({ candidates: _candidates, turnout: _turnout, units: _units, ...totals }) => totals,
        ),
      })),
      city: {
        ...city,
        contests: city.contests.map(({ turnout: _turnout, units, ...contest }) => ({
          ...contest,
          units: units.map((unit) => this.shown(unit)),
        })),
      },
      turnout,
    };
    this.judged.set(view, units);
    return view;
  }

  /** The judged units behind each view this feed built, for the next view of its channel. */
  private readonly judged = new WeakMap<LiveView, ReadonlyMap<string, UnitResult>>();
  /** A unit as the view shows it, one object per judged unit, so a kept unit is the same object in the next view. */
  private readonly shownUnits = new WeakMap<UnitResult, LiveCity['contests'][number]['units'][number]>();

  private shown(unit: UnitResult): LiveCity['contests'][number]['units'][number] {
    let shown = this.shownUnits.get(unit);
    if (!shown) {
      const { turnout: _turnout, candidates, ...rest } = unit;
      shown = { ...rest, candidates: candidates.map(({ share: _share, ...candidate }) => candidate) };
      this.shownUnits.set(unit, shown);
    }
    return shown;
  }

  /** The snapshot of `view` at `position`: corrections and timeline points are cut there, never repeated later. */
  async snapshot(
    catalog: ElectionCatalog,
    electionId: string,
    position: number,
    view: LiveView,
  ): Promise<LiveSnapshot> {
    const { definition } = await catalog.get(electionId);
    const [timeline, corrections, correctionsByDistrict] = await this.router.onPrimary(() =>
      Promise.all([
        this.turnout.timeline(electionId),
        this.latestCorrections(electionId, position),
        this.turnout.correctionsByDistrict(electionId, position),
      ]),
    );
    return {
      electionId,
      name: definition.name,
      pollingDate: definition.pollingDate,
      position,
      at: new Date().toISOString(),
      ...view,
      corrections,
      correctionsByDistrict,
      timeline: timeline.filter((p) => p.position <= position),
    };
  }

  /** The events of the election in (after, upTo], in order (the first `limit` of them). */
  async eventsBetween(
    electionId: string,
    after: number,
    upTo: number,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<StoredEvent[]> {
    // The definition, sheets, turnout reports and units (a certification changes the view too).
    const prefixes = electionStreamPrefixes(electionId);
    const events: StoredEvent[] = [];
    let cursor = after;
    while (cursor < upTo) {
      const page = await this.eventStore.readAll({
        after: cursor,
        to: upTo,
        maxCount: PAGE,
        streamPrefixes: prefixes,
      });
      for (const e of page) {
        // 'election-hn' is also a prefix of 'election-hn-2021': keep the exact stream only.
        if (e.streamId.startsWith('election-') && e.streamId !== prefixes[0]) continue;
        events.push(e);
        if (events.length >= limit) return events;
      }
      if (page.length < PAGE) break;
      cursor = page[page.length - 1].position;
    }
    return events;
  }

  /** What the events (non-empty, of this election, in order) bring besides the rows. */
  summarize(events: StoredEvent[], next: LiveView, at: string): Pick<LiveUpdate, 'corrections' | 'timeline'> {
    return {
      corrections: events
        .filter((e) => e.type === 'TallyCorrected')
        .map(toCorrection)
        .reverse(),
      timeline: [timelinePoint(at, events[events.length - 1].position, next.city, next.turnout)],
    };
  }

  /** The source one election's live channel reads. */
  sourceFor(catalog: ElectionCatalog, electionId: string): LiveSource {
    return {
      eventsBetween: (after, upTo) => this.eventsBetween(electionId, after, upTo),
      anyEventBetween: async (after, upTo) =>
        after < upTo && (await this.eventsBetween(electionId, after, upTo, 1)).length > 0,
      view: (known, events) => this.view(electionId, known, events),
      snapshot: (position, view) => this.snapshot(catalog, electionId, position, view),
      summarize: (events, next, at) => this.summarize(events, next, at),
    };
  }

  private async latestCorrections(electionId: string, upTo: number): Promise<LiveCorrection[]> {
    const positions = await this.turnout.latestCorrectionPositions(electionId, upTo, MAX_CORRECTIONS);
    // Positions are opaque (a KurrentDB position minus one is no position): read each event where it is.
    const events = await Promise.all(positions.map((p) => this.eventStore.readAt(p)));
    return events.filter((e): e is StoredEvent => e?.type === 'TallyCorrected').map(toCorrection);
  }
}

export function timelinePoint(
  at: string,
  position: number,
  city: {
    contests: Array<
      Pick<CityResults['contests'][number], 'contestId' | 'pollingAreasReported' | 'pollingAreasExpected'>
    >;
  },
  turnout: TurnoutView,
): TimelinePoint {
  return {
    at,
    position,
    turnout: turnout.city.latest.turnout,
    reporting: Object.fromEntries(
      city.contests.map((c) => [
        c.contestId,
        c.pollingAreasExpected > 0
          ? Math.round((c.pollingAreasReported / c.pollingAreasExpected) * 10_000) / 10_000
          : 0,
      ]),
    ),
  };
}

/**
 * The units whose rows `events` can change: those a sheet's or a unit's event names (its placement). Undefined when
 * one may change more: the definition's events (an amendment lays rows out anew), or an event of a sheet or unit
 * that names none.
 */
function unitsNamedBy(events: StoredEvent[]): string[] | undefined {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.streamId.startsWith(TURNOUT_STREAM_PREFIX)) continue;
    if (!event.streamId.startsWith(TALLY_STREAM_PREFIX) && !event.streamId.startsWith(UNIT_STREAM_PREFIX))
      return undefined;
    const unitId = (event.data as { unitId?: unknown }).unitId;
    if (typeof unitId !== 'string') return undefined;
    ids.add(unitId);
  }
  return [...ids];
}

function toCorrection(event: StoredEvent): LiveCorrection {
  const d = event.data as Record<string, unknown>;
  const counts = (d.counts ?? {}) as Record<string, unknown>;
  const previous = (d.previousCounts ?? {}) as Record<string, unknown>;
  const valueOf = (c: Record<string, unknown>, field: string): number => {
    const [head, key] = field.split('.');
    const v = key === undefined ? c[head] : (c[head] as Record<string, unknown> | undefined)?.[key];
    return typeof v === 'number' ? v : 0;
  };
  const fields = Array.isArray(d.changedFields) ? d.changedFields.map(String) : [];
  const actor = (event.metadata?.actor ?? { id: 'unknown' }) as { id: string; role?: string };
  return {
    position: event.position,
    at: new Date(event.recordedAt).toISOString(),
    ...(typeof d.correctionId === 'string' ? { correctionId: d.correctionId } : {}),
    districtId: String(d.districtId ?? ''),
    pollingAreaId: String(d.pollingAreaId ?? ''),
    contestId: String(d.contestId ?? ''),
    reason: String(d.reason ?? ''),
    actor: { id: String(actor.id), ...(actor.role ? { role: String(actor.role) } : {}) },
    changes: fields.map((field) => ({
      field,
      before: valueOf(previous, field),
      after: valueOf(counts, field),
    })),
  };
}
