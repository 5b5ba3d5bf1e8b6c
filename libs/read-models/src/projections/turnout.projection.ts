import { upsert } from './upsert';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import {
  ElectionIndex,
  ELECTION_STREAM_PREFIX,
  reportAsOf,
  TALLY_STREAM_PREFIX,
  TURNOUT_STREAM_PREFIX,
  turnoutSchedule,
} from '@tally/domain';
import { consoleLogger, isProjectedStream, Projection, ProjectionLogger } from '../projection';
import { ratio } from '../queries/read-snapshot';
import { asDefinition } from './fact-shapes';

/** Timeline points are kept per bucket of this many ms of recording time (the last state of the bucket wins). */
export const TIMELINE_BUCKET_MS = 10_000;

interface ElectionRow {
  electionId: string;
  reportingTimes: string[];
  registeredVoters: number;
  pollingAreasExpected: number;
  contestsExpected: Record<string, number>;
  contestsReported: Record<string, number>;
  votersVoted: number;
  lastPosition: number;
}

interface AreaReport {
  reportId: string;
  asOf: string;
  votersVoted: number;
}

interface AreaRow {
  electionId: string;
  pollingAreaId: string;
  districtId: string;
  registeredVoters: number;
  reports: AreaReport[];
  latestVotersVoted: number;
  latestAsOf: string;
  atTimes: Array<number | null>;
  lastPosition: number;
}

interface TimelineRow {
  electionId: string;
  bucket: string;
  position: number;
  at: string;
  turnout: number;
  reporting: Record<string, number>;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Turnout through the polling day: per polling area its reports and its figure at each reporting time (the report
 * with the latest asOf at or before that time); per election the running sums the live timeline needs (latest
 * turnout, sheets reported per contest), and one timeline point per bucket of recording time. Districts and city
 * figures are summed at query time from the polling-area rows of one snapshot.
 *
 * Idempotent: every election row remembers the last position applied to it, and events at or below it are skipped.
 */
export class TurnoutProjection implements Projection {
  static readonly NAME = 'turnout';
  readonly name: string = TurnoutProjection.NAME;
  readonly version: number = 1;
  readonly tables = ['rm_turnout_elections', 'rm_turnout_districts', 'rm_turnout_areas', 'rm_live_timeline'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const relevant = events.filter((e) => isProjectedStream(e.streamId));
    if (relevant.length === 0) return;
    const electionIds = new Set<string>();
    const areaKeys: Array<[string, string]> = [];
    for (const e of relevant) {
      const electionId = electionIdOf(e);
      if (electionId) electionIds.add(electionId);
      if (e.type === 'TurnoutReported' && electionId && isText(e.data.pollingAreaId)) {
        areaKeys.push([electionId, e.data.pollingAreaId]);
      }
    }
    if (electionIds.size === 0) return;
    const elections = await loadElections(manager, [...electionIds]);
    const areas = await loadAreas(manager, areaKeys);
    const dirtyElections = new Set<string>();
    const dirtyAreas = new Set<string>();
    const newDistricts: object[] = [];
    const lastEvent = new Map<string, StoredEvent>();

    for (const event of relevant) {
      if (event.streamId.startsWith(ELECTION_STREAM_PREFIX)) {
        if (event.type !== 'ElectionDefined') continue;
        const definition = asDefinition(event.data.definition);
        if (!definition) {
          this.skip(event, 'malformed election definition');
          continue;
        }
        if (elections.has(definition.electionId)) continue;
        const index = ElectionIndex.of(definition);
        const contestsExpected: Record<string, number> = {};
        for (const c of definition.contests) {
          contestsExpected[c.contestId] = index
            .districtsOfContest(c.contestId)
            .reduce((sum, d) => sum + index.pollingAreasExpectedCount(d, c.contestId), 0);
        }
        const registered = (areaIds: readonly string[]) =>
          areaIds.reduce((sum, a) => sum + (index.pollingArea(a)?.registeredVoters ?? 0), 0);
        definition.districts.forEach((d, ordinal) => {
          const areaIds = index.pollingAreasOfDistrict(d.districtId);
          newDistricts.push({
            election_id: definition.electionId,
            district_id: d.districtId,
            name: d.name,
            ordinal,
            registered_voters: registered(areaIds),
            polling_areas_expected: areaIds.length,
          });
        });
        elections.set(definition.electionId, {
          electionId: definition.electionId,
          reportingTimes: turnoutSchedule(definition).reportingTimes,
          registeredVoters: definition.districts.reduce(
            (sum, d) => sum + registered(index.pollingAreasOfDistrict(d.districtId)),
            0,
          ),
          pollingAreasExpected: definition.districts.reduce(
            (sum, d) => sum + index.pollingAreasOfDistrict(d.districtId).length,
            0,
          ),
          contestsExpected,
          contestsReported: Object.fromEntries(Object.keys(contestsExpected).map((c) => [c, 0])),
          votersVoted: 0,
          lastPosition: event.position,
        });
        dirtyElections.add(definition.electionId);
        lastEvent.set(definition.electionId, event);
        continue;
      }

      const electionId = electionIdOf(event);
      const election = electionId ? elections.get(electionId) : undefined;
      if (!election) {
        if (event.type === 'TurnoutReported') this.skip(event, 'unknown election');
        continue;
      }
      if (event.position <= election.lastPosition) continue;

      if (event.streamId.startsWith(TALLY_STREAM_PREFIX)) {
        // A polling area's sheet counts as reported once: its first event (TallySubmitted at revision 0).
        if (event.type === 'TallySubmitted' && event.revision === 0 && isText(event.data.contestId)) {
          const c = event.data.contestId;
          if (c in election.contestsReported) election.contestsReported[c] += 1;
        }
      } else if (event.streamId.startsWith(TURNOUT_STREAM_PREFIX)) {
        if (event.type !== 'TurnoutReported') {
          this.skip(event, 'unknown turnout event type');
        } else if (!this.applyReport(event, election, areas)) {
          continue;
        } else {
          dirtyAreas.add(`${election.electionId}|${event.data.pollingAreaId as string}`);
        }
      }
      election.lastPosition = event.position;
      dirtyElections.add(election.electionId);
      lastEvent.set(election.electionId, event);
    }

    const timeline: TimelineRow[] = [...lastEvent].map(([electionId, event]) => {
      const e = elections.get(electionId)!;
      const at = new Date(event.recordedAt);
      const time = Number.isNaN(at.getTime()) ? 0 : at.getTime();
      return {
        electionId,
        bucket: new Date(time - (time % TIMELINE_BUCKET_MS)).toISOString(),
        position: event.position,
        at: new Date(time).toISOString(),
        turnout: ratio(e.votersVoted, e.registeredVoters),
        reporting: Object.fromEntries(
          Object.entries(e.contestsExpected).map(([c, expected]) => [
            c,
            ratio(e.contestsReported[c] ?? 0, expected),
          ]),
        ),
      };
    });

    await flush(manager, {
      elections: [...dirtyElections].map((id) => elections.get(id)!),
      districts: newDistricts,
      areas: [...dirtyAreas].map((k) => areas.get(k)!),
      timeline,
    });
  }

  /** False when the report cannot be applied (malformed, or figures that would break exact sums). */
  private applyReport(event: StoredEvent, election: ElectionRow, areas: Map<string, AreaRow>): boolean {
    const { pollingAreaId, districtId, reportId, asOf, votersVoted, registeredVoters } = event.data;
    const asOfOk = isText(asOf) && !Number.isNaN(Date.parse(asOf));
    if (
      ![pollingAreaId, districtId, reportId].every(isText) ||
      !asOfOk ||
      !isCount(votersVoted) ||
      !isCount(registeredVoters)
    ) {
      this.skip(event, 'malformed turnout report');
      return false;
    }
    const key = `${election.electionId}|${pollingAreaId as string}`;
    const previous = areas.get(key);
    const reports = [
      ...(previous?.reports ?? []),
      { reportId: reportId as string, asOf: new Date(asOf).toISOString(), votersVoted },
    ];
    const latest = reports.reduce((a, b) => (b.asOf >= a.asOf ? b : a));
    const delta = latest.votersVoted - (previous?.latestVotersVoted ?? 0);
    if (!Number.isSafeInteger(election.votersVoted + delta)) {
      this.skip(event, 'totals would exceed Number.MAX_SAFE_INTEGER');
      return false;
    }
    election.votersVoted += delta;
    areas.set(key, {
      electionId: election.electionId,
      pollingAreaId: pollingAreaId as string,
      districtId: districtId as string,
      registeredVoters,
      reports,
      latestVotersVoted: latest.votersVoted,
      latestAsOf: latest.asOf,
      atTimes: election.reportingTimes.map((t) => reportAsOf(reports, t)?.votersVoted ?? null),
      lastPosition: event.position,
    });
    return true;
  }

  private skip(event: StoredEvent, why: string): void {
    this.logger.warn(
      `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): ${why}`,
    );
  }
}

/** From the data when it says, else from the stream id (election-<e>, tally-<e>.…, turnout-<e>.…). */
function electionIdOf(event: StoredEvent): string | null {
  const fromData = event.data.electionId ?? asDefinition(event.data.definition)?.electionId;
  if (isText(fromData)) return fromData;
  for (const prefix of [ELECTION_STREAM_PREFIX, TALLY_STREAM_PREFIX, TURNOUT_STREAM_PREFIX]) {
    if (event.streamId.startsWith(prefix)) return event.streamId.slice(prefix.length).split('.')[0] || null;
  }
  return null;
}

async function loadElections(manager: EntityManager, ids: string[]): Promise<Map<string, ElectionRow>> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    'SELECT * FROM rm_turnout_elections WHERE election_id = ANY($1::text[])',
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.election_id as string,
      {
        electionId: r.election_id as string,
        reportingTimes: r.reporting_times as string[],
        registeredVoters: Number(r.registered_voters),
        pollingAreasExpected: Number(r.polling_areas_expected),
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
): Promise<Map<string, AreaRow>> {
  if (keys.length === 0) return new Map();
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT t.* FROM rm_turnout_areas t
     JOIN unnest($1::text[], $2::text[]) AS k(e, a) ON t.election_id = k.e AND t.polling_area_id = k.a`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  return new Map(
    rows.map((r) => [
      `${r.election_id as string}|${r.polling_area_id as string}`,
      {
        electionId: r.election_id as string,
        pollingAreaId: r.polling_area_id as string,
        districtId: r.district_id as string,
        registeredVoters: Number(r.registered_voters),
        reports: r.reports as AreaReport[],
        latestVotersVoted: Number(r.latest_voters_voted),
        latestAsOf: new Date(r.latest_as_of as string).toISOString(),
        atTimes: r.at_times as Array<number | null>,
        lastPosition: Number(r.last_position),
      },
    ]),
  );
}

async function flush(
  manager: EntityManager,
  rows: { elections: ElectionRow[]; districts: object[]; areas: AreaRow[]; timeline: TimelineRow[] },
): Promise<void> {
  await upsert(
    manager,
    'rm_turnout_elections',
    ['election_id'],
    {
      election_id: 'text',
      reporting_times: 'jsonb',
      registered_voters: 'bigint',
      polling_areas_expected: 'integer',
      contests_expected: 'jsonb',
      contests_reported: 'jsonb',
      voters_voted: 'bigint',
      last_position: 'bigint',
    },
    rows.elections.map((e) => ({
      election_id: e.electionId,
      reporting_times: e.reportingTimes,
      registered_voters: e.registeredVoters,
      polling_areas_expected: e.pollingAreasExpected,
      contests_expected: e.contestsExpected,
      contests_reported: e.contestsReported,
      voters_voted: e.votersVoted,
      last_position: e.lastPosition,
    })),
  );
  await upsert(
    manager,
    'rm_turnout_districts',
    ['election_id', 'district_id'],
    {
      election_id: 'text',
      district_id: 'text',
      name: 'text',
      ordinal: 'integer',
      registered_voters: 'bigint',
      polling_areas_expected: 'integer',
    },
    rows.districts,
  );
  await upsert(
    manager,
    'rm_turnout_areas',
    ['election_id', 'polling_area_id'],
    {
      election_id: 'text',
      polling_area_id: 'text',
      district_id: 'text',
      registered_voters: 'bigint',
      reports: 'jsonb',
      latest_voters_voted: 'bigint',
      latest_as_of: 'timestamptz',
      at_times: 'jsonb',
      last_position: 'bigint',
    },
    rows.areas.map((a) => ({
      election_id: a.electionId,
      polling_area_id: a.pollingAreaId,
      district_id: a.districtId,
      registered_voters: a.registeredVoters,
      reports: a.reports,
      latest_voters_voted: a.latestVotersVoted,
      latest_as_of: a.latestAsOf,
      at_times: a.atTimes,
      last_position: a.lastPosition,
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
    rows.timeline.map((t) => ({
      election_id: t.electionId,
      bucket: t.bucket,
      position: t.position,
      at: t.at,
      turnout: t.turnout,
      reporting: t.reporting,
    })),
  );
}
