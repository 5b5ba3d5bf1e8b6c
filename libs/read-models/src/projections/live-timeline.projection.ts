import { upsert } from './upsert';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import {
  ElectionIndex,
  ELECTION_STREAM_PREFIX,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
} from '@tally/domain';
import { consoleLogger, isProjectedStream, Projection, ProjectionLogger } from '../projection';
import { ratio } from '../queries/read-snapshot';
import { asAmendment, asDefinition } from './fact-shapes';
import { asTurnoutFact, electionIdOf, electionTotals, isText, latestReport } from './turnout-facts';

/** One timeline point per election and bucket of this many ms of recording time. */
export const TIMELINE_BUCKET_MS = 10_000;

/** The running sums a point is made of. */
interface ElectionState {
  electionId: string;
  registeredVoters: number;
  contestsExpected: Record<string, number>;
  contestsReported: Record<string, number>;
  votersVoted: number;
  lastPosition: number;
}

/** A polling area's latest turnout figure, which the city's running sum holds. */
interface AreaLatest {
  electionId: string;
  pollingAreaId: string;
  asOf: string;
  votersVoted: number;
}

interface TimelinePointRow {
  electionId: string;
  bucket: string;
  position: number;
  at: string;
  turnout: number;
  reporting: Record<string, number>;
}

/**
 * The live timeline of turnout and reporting progress (the press-room screen's chart). One point per election and
 * 10 s bucket of the events' recording time: the city turnout (latest report of every polling area) and the share of
 * sheets reported per contest right after the election's last event in that bucket.
 *
 * A point is a function of the events up to its bucket's last one, never of how they were batched: a batch that
 * spans several buckets writes a point for each, and a later batch that ends in the same bucket overwrites it with
 * the state after a later event. Per bucket, not per event: a national night (about 340,000 sheets and 250,000
 * turnout reports) would write 600,000 rows per election; 10 s buckets keep it to at most 8,640 a day, and the chart
 * shows 240 points anyway.
 *
 * Idempotent: every election's state remembers the last position applied, and events at or below it are skipped.
 */
export class LiveTimelineProjection implements Projection {
  static readonly NAME = 'live-timeline';
  readonly name: string = LiveTimelineProjection.NAME;
  readonly version: number = 1;
  readonly tables = ['rm_live_timeline', 'rm_live_timeline_elections', 'rm_live_timeline_areas'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const relevant = events.filter((e) => isProjectedStream(e.streamId));
    const electionIds = new Set<string>();
    const areaKeys: Array<[string, string]> = [];
    for (const e of relevant) {
      const electionId = electionIdOf(e);
      if (!electionId) continue;
      electionIds.add(electionId);
      if (e.streamId.startsWith(TURNOUT_STREAM_PREFIX) && isText(e.data.pollingAreaId)) {
        areaKeys.push([electionId, e.data.pollingAreaId]);
      }
    }
    if (electionIds.size === 0) return;
    const elections = await loadElections(manager, [...electionIds]);
    const areas = await loadAreas(manager, areaKeys);
    const dirtyElections = new Set<string>();
    const dirtyAreas = new Set<string>();
    const points = new Map<string, TimelinePointRow>();

    for (const event of relevant) {
      const electionId = electionIdOf(event);
      if (!electionId) continue;
      let election = elections.get(electionId);
      if (!election) {
        if (event.streamId.startsWith(ELECTION_STREAM_PREFIX) && event.type === 'ElectionDefined') {
          election = this.define(event);
          if (election) elections.set(election.electionId, election);
        }
        if (!election) continue;
      } else if (event.position <= election.lastPosition) {
        continue;
      } else if (event.streamId.startsWith(TALLY_STREAM_PREFIX)) {
        // A polling area's sheet counts as reported once: its first event (TallySubmitted at revision 0).
        const c = event.data.contestId;
        if (
          event.type === 'TallySubmitted' &&
          event.revision === 0 &&
          isText(c) &&
          c in election.contestsReported
        ) {
          election.contestsReported[c] += 1;
        }
      } else if (event.streamId.startsWith(TURNOUT_STREAM_PREFIX) && event.type === 'TurnoutReported') {
        const key = this.applyReport(event, election, areas);
        if (key) dirtyAreas.add(key);
      } else if (event.streamId.startsWith(ELECTION_STREAM_PREFIX) && event.type === 'ElectionAmended') {
        this.applyAmendment(event, election);
      }
      election.lastPosition = event.position;
      dirtyElections.add(election.electionId);
      const point = pointAfter(election, event);
      points.set(`${election.electionId}|${point.bucket}`, point);
    }

    await flush(manager, {
      elections: [...dirtyElections].map((id) => elections.get(id)!),
      areas: [...dirtyAreas].map((k) => areas.get(k)!),
      points: [...points.values()],
    });
  }

  private define(event: StoredEvent): ElectionState | undefined {
    const definition = asDefinition(event.data.definition);
    if (!definition) return undefined;
    const index = ElectionIndex.of(definition);
    const contestsExpected: Record<string, number> = {};
    for (const c of definition.contests) {
      contestsExpected[c.contestId] = index
        .districtsOfContest(c.contestId)
        .reduce((sum, d) => sum + index.pollingAreasExpectedCount(d, c.contestId), 0);
    }
    return {
      electionId: definition.electionId,
      registeredVoters: electionTotals(definition).registeredVoters,
      contestsExpected,
      contestsReported: Object.fromEntries(Object.keys(contestsExpected).map((c) => [c, 0])),
      votersVoted: 0,
      lastPosition: event.position,
    };
  }

  /**
   * The registered voters and the polling areas expected per contest follow the amended definition: each polling
   * area the amendment touched leaves its old place and takes its new one (ElectionAmended.pollingAreaChanges).
   */
  private applyAmendment(event: StoredEvent, election: ElectionState): void {
    const amendment = asAmendment(event.data);
    if (!amendment) {
      this.logger.warn(
        `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): malformed amendment`,
      );
      return;
    }
    for (const { before, after } of amendment.pollingAreaChanges) {
      for (const [placement, sign] of [
        [before, -1],
        [after, +1],
      ] as const) {
        if (!placement) continue;
        election.registeredVoters += sign * placement.registeredVoters;
        for (const contestId of Object.keys(placement.units)) {
          if (contestId in election.contestsExpected) election.contestsExpected[contestId] += sign;
        }
      }
    }
  }

  /** Moves the city's sum to the area's new latest figure; the key of the area row, or null for a skipped report. */
  private applyReport(
    event: StoredEvent,
    election: ElectionState,
    areas: Map<string, AreaLatest>,
  ): string | null {
    // A malformed report is skipped here as in the turnout projection, which logs it.
    const report = asTurnoutFact(event);
    if (!report) return null;
    const key = `${election.electionId}|${report.pollingAreaId}`;
    const previous = areas.get(key);
    const latest = latestReport([...(previous ? [previous] : []), report])!;
    const delta = latest.votersVoted - (previous?.votersVoted ?? 0);
    if (!Number.isSafeInteger(election.votersVoted + delta)) {
      this.logger.warn(
        `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): totals would exceed Number.MAX_SAFE_INTEGER`,
      );
      return null;
    }
    election.votersVoted += delta;
    areas.set(key, {
      electionId: election.electionId,
      pollingAreaId: report.pollingAreaId,
      asOf: latest.asOf,
      votersVoted: latest.votersVoted,
    });
    return key;
  }
}

function pointAfter(election: ElectionState, event: StoredEvent): TimelinePointRow {
  const recorded = new Date(event.recordedAt).getTime();
  const time = Number.isNaN(recorded) ? 0 : recorded;
  return {
    electionId: election.electionId,
    bucket: new Date(time - (time % TIMELINE_BUCKET_MS)).toISOString(),
    position: event.position,
    at: new Date(time).toISOString(),
    turnout: ratio(election.votersVoted, election.registeredVoters),
    reporting: Object.fromEntries(
      Object.entries(election.contestsExpected).map(([c, expected]) => [
        c,
        ratio(election.contestsReported[c] ?? 0, expected),
      ]),
    ),
  };
}

async function loadElections(manager: EntityManager, ids: string[]): Promise<Map<string, ElectionState>> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    'SELECT * FROM rm_live_timeline_elections WHERE election_id = ANY($1::text[])',
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.election_id as string,
      {
        electionId: r.election_id as string,
        registeredVoters: Number(r.registered_voters),
        contestsExpected: r.contests_expected as Record<string, number>,
        contestsReported: r.contests_reported as Record<string, number>,
        votersVoted: Number(r.voters_voted),
        lastPosition: Number(r.last_position),
      },
    ]),
  );
}

async function loadAreas(
  manager: EntityManager,
  keys: Array<[string, string]>,
): Promise<Map<string, AreaLatest>> {
  if (keys.length === 0) return new Map();
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT t.* FROM rm_live_timeline_areas t
     JOIN unnest($1::text[], $2::text[]) AS k(e, a) ON t.election_id = k.e AND t.polling_area_id = k.a`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  return new Map(
    rows.map((r) => [
      `${r.election_id as string}|${r.polling_area_id as string}`,
      {
        electionId: r.election_id as string,
        pollingAreaId: r.polling_area_id as string,
        asOf: new Date(r.as_of as string).toISOString(),
        votersVoted: Number(r.voters_voted),
      },
    ]),
  );
}

async function flush(
  manager: EntityManager,
  rows: { elections: ElectionState[]; areas: AreaLatest[]; points: TimelinePointRow[] },
): Promise<void> {
  await upsert(
    manager,
    'rm_live_timeline_elections',
    ['election_id'],
    {
      election_id: 'text',
      registered_voters: 'bigint',
      contests_expected: 'jsonb',
      contests_reported: 'jsonb',
      voters_voted: 'bigint',
      last_position: 'bigint',
    },
    rows.elections.map((e) => ({
      election_id: e.electionId,
      registered_voters: e.registeredVoters,
      contests_expected: e.contestsExpected,
      contests_reported: e.contestsReported,
      voters_voted: e.votersVoted,
      last_position: e.lastPosition,
    })),
  );
  await upsert(
    manager,
    'rm_live_timeline_areas',
    ['election_id', 'polling_area_id'],
    { election_id: 'text', polling_area_id: 'text', as_of: 'timestamptz', voters_voted: 'bigint' },
    rows.areas.map((a) => ({
      election_id: a.electionId,
      polling_area_id: a.pollingAreaId,
      as_of: a.asOf,
      voters_voted: a.votersVoted,
    })),
  );
  await upsert(
    manager,
    'rm_live_timeline',
    ['election_id', 'bucket'],
    {
      election_id: 'text',
      bucket: 'timestamptz',
      position: 'bigint',
      at: 'timestamptz',
      turnout: 'double precision',
      reporting: 'jsonb',
    },
    rows.points.map((p) => ({
      election_id: p.electionId,
      bucket: p.bucket,
      position: p.position,
      at: p.at,
      turnout: p.turnout,
      reporting: p.reporting,
    })),
  );
}
