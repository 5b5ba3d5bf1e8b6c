import { upsert } from './upsert';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import {
  ElectionIndex,
  ELECTION_STREAM_PREFIX,
  reportAsOf,
  TURNOUT_STREAM_PREFIX,
  turnoutSchedule,
} from '@tally/domain';
import { consoleLogger, Projection, ProjectionLogger } from '../projection';
import { asDefinition } from './fact-shapes';
import { asTurnoutFact, electionIdOf, electionTotals, isText, latestReport } from './turnout-facts';

interface ElectionRow {
  electionId: string;
  reportingTimes: string[];
  registeredVoters: number;
  pollingAreasExpected: number;
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

/**
 * Turnout through the polling day (GET /elections/{e}/turnout): per election its reporting times and size, per
 * district its name and size, per polling area its reports and its figure at each reporting time (the report with the
 * latest asOf at or before that time). Districts and city figures are summed at query time from the polling-area rows
 * of one snapshot. The live timeline is a read model of its own (live-timeline.projection.ts).
 *
 * Idempotent: an election is defined once, and every polling-area row remembers the last position applied to it.
 */
export class TurnoutProjection implements Projection {
  static readonly NAME = 'turnout';
  readonly name: string = TurnoutProjection.NAME;
  /** 2: the live timeline and its running sums moved to the live-timeline projection. */
  readonly version: number = 2;
  readonly tables = ['rm_turnout_elections', 'rm_turnout_districts', 'rm_turnout_areas'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const definitions = events.filter(
      (e) => e.streamId.startsWith(ELECTION_STREAM_PREFIX) && e.type === 'ElectionDefined',
    );
    const reports = events.filter((e) => e.streamId.startsWith(TURNOUT_STREAM_PREFIX));
    if (definitions.length + reports.length === 0) return;
    const electionIds = new Set<string>();
    const areaKeys: Array<[string, string]> = [];
    for (const e of [...definitions, ...reports]) {
      const electionId = electionIdOf(e);
      if (!electionId) continue;
      electionIds.add(electionId);
      if (isText(e.data.pollingAreaId)) areaKeys.push([electionId, e.data.pollingAreaId]);
    }
    if (electionIds.size === 0) return;
    const elections = await loadElections(manager, [...electionIds]);
    const areas = await loadAreas(manager, areaKeys);
    const newElections: ElectionRow[] = [];
    const newDistricts: object[] = [];
    const dirtyAreas = new Set<string>();

    for (const event of events) {
      if (event.streamId.startsWith(ELECTION_STREAM_PREFIX)) {
        if (event.type !== 'ElectionDefined') continue;
        const definition = asDefinition(event.data.definition);
        if (!definition) {
          this.skip(event, 'malformed election definition');
          continue;
        }
        if (elections.has(definition.electionId)) continue;
        const index = ElectionIndex.of(definition);
        definition.districts.forEach((d, ordinal) => {
          const areaIds = index.pollingAreasOfDistrict(d.districtId);
          newDistricts.push({
            election_id: definition.electionId,
            district_id: d.districtId,
            name: d.name,
            ordinal,
            registered_voters: areaIds.reduce((s, a) => s + (index.pollingArea(a)?.registeredVoters ?? 0), 0),
            polling_areas_expected: areaIds.length,
          });
        });
        const election = {
          electionId: definition.electionId,
          reportingTimes: turnoutSchedule(definition).reportingTimes,
          ...electionTotals(definition),
        };
        elections.set(definition.electionId, election);
        newElections.push(election);
      } else if (event.streamId.startsWith(TURNOUT_STREAM_PREFIX)) {
        const key = this.applyReport(event, elections, areas);
        if (key) dirtyAreas.add(key);
      }
    }

    await flush(manager, {
      elections: newElections,
      districts: newDistricts,
      areas: [...dirtyAreas].map((k) => areas.get(k)!),
    });
  }

  /** The key of the polling-area row the report changed; null when it was skipped or already applied. */
  private applyReport(
    event: StoredEvent,
    elections: Map<string, ElectionRow>,
    areas: Map<string, AreaRow>,
  ): string | null {
    if (event.type !== 'TurnoutReported') {
      this.skip(event, 'unknown turnout event type');
      return null;
    }
    const electionId = electionIdOf(event);
    const election = electionId ? elections.get(electionId) : undefined;
    if (!election) {
      this.skip(event, 'unknown election');
      return null;
    }
    const report = asTurnoutFact(event);
    if (!report) {
      this.skip(event, 'malformed turnout report');
      return null;
    }
    const key = `${election.electionId}|${report.pollingAreaId}`;
    const previous = areas.get(key);
    if (previous && event.position <= previous.lastPosition) return null;
    const reports = [
      ...(previous?.reports ?? []),
      { reportId: report.reportId, asOf: report.asOf, votersVoted: report.votersVoted },
    ];
    const latest = latestReport(reports)!;
    areas.set(key, {
      electionId: election.electionId,
      pollingAreaId: report.pollingAreaId,
      districtId: report.districtId,
      registeredVoters: report.registeredVoters,
      reports,
      latestVotersVoted: latest.votersVoted,
      latestAsOf: latest.asOf,
      atTimes: election.reportingTimes.map((t) => reportAsOf(reports, t)?.votersVoted ?? null),
      lastPosition: event.position,
    });
    return key;
  }

  private skip(event: StoredEvent, why: string): void {
    this.logger.warn(
      `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): ${why}`,
    );
  }
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
  rows: { elections: ElectionRow[]; districts: object[]; areas: AreaRow[] },
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
    },
    rows.elections.map((e) => ({
      election_id: e.electionId,
      reporting_times: e.reportingTimes,
      registered_voters: e.registeredVoters,
      polling_areas_expected: e.pollingAreasExpected,
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
}
