import { Injectable } from '@nestjs/common';
import { electionStreamId, TALLY_STREAM_PREFIX, TURNOUT_STREAM_PREFIX } from '@tally/domain';
import { EventStore, StoredEvent } from '@tally/event-store';
import { CityResults, ResultsQueries, TurnoutQueries } from '@tally/read-models';
import type { ElectionCatalog } from '../elections/election-catalog';
import type { LiveCorrection, LiveSnapshot, LiveUpdate, TimelinePoint, TurnoutView } from './live.contract';

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
  ) {}

  /**
   * The state at `position` (the read models have reached it). Rows may already reflect a little more (they are full
   * rows, which later updates replace); corrections and timeline points are cut at `position`, so an update never
   * repeats one of them.
   */
  async snapshot(
    catalog: ElectionCatalog,
    electionId: string,
    position: number,
  ): Promise<LiveSnapshot | null> {
    const { definition } = await catalog.get(electionId);
    const [districts, city, turnout, timeline, corrections, correctionsByDistrict] = await Promise.all([
      this.results.districtResults(electionId),
      this.results.cityResults(electionId),
      this.turnout.turnout(electionId),
      this.turnout.timeline(electionId),
      this.latestCorrections(electionId, position),
      this.turnout.correctionsByDistrict(electionId, position),
    ]);
    if (!districts || !city || !turnout) return null;
    return {
      electionId,
      name: definition.name,
      pollingDate: definition.pollingDate,
      position,
      at: new Date().toISOString(),
      districts: districts.districts,
      city,
      turnout,
      corrections,
      correctionsByDistrict,
      timeline: timeline.filter((p) => p.position <= position),
    };
  }

  /** The events of the election in (after, upTo], in order. */
  async eventsBetween(electionId: string, after: number, upTo: number): Promise<StoredEvent[]> {
    const prefixes = [
      electionStreamId(electionId),
      `${TALLY_STREAM_PREFIX}${electionId}.`,
      `${TURNOUT_STREAM_PREFIX}${electionId}.`,
    ];
    const events: StoredEvent[] = [];
    let cursor = after;
    while (cursor < upTo) {
      const page = await this.eventStore.readAll({ after: cursor, maxCount: PAGE, streamPrefixes: prefixes });
      for (const e of page) {
        if (e.position > upTo) return events;
        // 'election-hn' is also a prefix of 'election-hn-2021': keep the exact stream only.
        if (e.streamId.startsWith('election-') && e.streamId !== prefixes[0]) continue;
        events.push(e);
      }
      if (page.length < PAGE) break;
      cursor = page[page.length - 1].position;
    }
    return events;
  }

  /**
   * One update covering `events` (non-empty, all of this election, positions in (from, …]). `known` is the turnout the
   * stream already has: turnout is read again only when the events changed it (or nothing is known yet).
   */
  async update(
    electionId: string,
    from: number,
    events: StoredEvent[],
    known?: TurnoutView,
  ): Promise<{ update: LiveUpdate; turnout: TurnoutView } | null> {
    const touched = new Set<string>();
    let turnoutChanged = false;
    for (const e of events) {
      if (e.streamId.startsWith(TALLY_STREAM_PREFIX) && typeof e.data.districtId === 'string')
        touched.add(e.data.districtId);
      if (e.type === 'TurnoutReported') turnoutChanged = true;
    }
    const [districts, city, turnout] = await Promise.all([
      touched.size > 0 ? this.results.districtResults(electionId) : Promise.resolve(null),
      this.results.cityResults(electionId),
      turnoutChanged || !known ? this.turnout.turnout(electionId) : Promise.resolve(known),
    ]);
    if (!city || !turnout) return null;
    const position = events[events.length - 1].position;
    const at = new Date().toISOString();
    const update: LiveUpdate = {
      electionId,
      position,
      fromPosition: from,
      at,
      districts: (districts?.districts ?? []).filter((d) => touched.has(d.districtId)),
      city,
      ...(turnoutChanged ? { turnout } : {}),
      corrections: events
        .filter((e) => e.type === 'TallyCorrected')
        .map(toCorrection)
        .reverse(),
      timeline: [timelinePoint(at, position, city, turnout)],
    };
    return { update, turnout };
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
  city: CityResults,
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
