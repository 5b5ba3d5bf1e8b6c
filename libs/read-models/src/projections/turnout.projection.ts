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
import { amendedElectionId, asAmendment, asDefinition } from './fact-shapes';
import { asTurnoutFact, electionIdOf, electionTotals, isText, latestReport } from './turnout-facts';

interface ElectionRow {
  electionId: string;
  reportingTimes: string[];
  registeredVoters: number;
  pollingAreasExpected: number;
  /** Revision of the election stream's last definition event applied (ElectionDefined 0, each amendment +1). */
  definitionRevision: number;
}

interface DistrictRow {
  electionId: string;
  districtId: string;
  name: string;
  ordinal: number;
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
 * Idempotent: an election is defined once and remembers the revision of its last amendment applied, and every
 * polling-area row remembers the last position applied to it.
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
      (e) =>
        e.streamId.startsWith(ELECTION_STREAM_PREFIX) &&
        (e.type === 'ElectionDefined' || e.type === 'ElectionAmended'),
    );
    const reports = events.filter((e) => e.streamId.startsWith(TURNOUT_STREAM_PREFIX));
    if (definitions.length + reports.length === 0) return;
    const electionIds = new Set<string>();
    const amended = new Set<string>();
    const areaKeys: Array<[string, string]> = [];
    for (const e of [...definitions, ...reports]) {
      const electionId = electionIdOf(e);
      if (!electionId) continue;
      electionIds.add(electionId);
      if (e.type === 'ElectionAmended') amended.add(electionId);
      if (isText(e.data.pollingAreaId)) areaKeys.push([electionId, e.data.pollingAreaId]);
    }
    if (electionIds.size === 0) return;
    const elections = await loadElections(manager, [...electionIds]);
    const districts = await loadDistricts(manager, [...amended]);
    const areas = await loadAreas(manager, areaKeys);
    const dirtyElections = new Set<string>();
    const dirtyDistricts = new Set<string>();
    const dirtyAreas = new Set<string>();

    for (const event of events) {
      if (event.streamId.startsWith(ELECTION_STREAM_PREFIX)) {
        if (event.type === 'ElectionAmended') {
          if (this.applyAmendment(event, elections, districts, dirtyDistricts)) {
            dirtyElections.add(electionIdOf(event)!);
          }
          continue;
        }
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
          const key = `${definition.electionId}|${d.districtId}`;
          districts.set(key, {
            electionId: definition.electionId,
            districtId: d.districtId,
            name: d.name,
            ordinal,
            registeredVoters: areaIds.reduce((s, a) => s + (index.pollingArea(a)?.registeredVoters ?? 0), 0),
            pollingAreasExpected: areaIds.length,
          });
          dirtyDistricts.add(key);
        });
        elections.set(definition.electionId, {
          electionId: definition.electionId,
          reportingTimes: turnoutSchedule(definition).reportingTimes,
          ...electionTotals(definition),
          definitionRevision: event.revision,
        });
        dirtyElections.add(definition.electionId);
      } else if (event.streamId.startsWith(TURNOUT_STREAM_PREFIX)) {
        const key = this.applyReport(event, elections, areas);
        if (key) dirtyAreas.add(key);
      }
    }

    await flush(manager, {
      elections: [...dirtyElections].map((id) => elections.get(id)!),
      districts: [...dirtyDistricts].map((k) => districts.get(k)!),
      areas: [...dirtyAreas].map((k) => areas.get(k)!),
    });
  }

  /**
   * Follows the amended definition without a copy of it: each polling area the amendment touched leaves its old
   * district (voters and count) and joins its new one (ElectionAmended.pollingAreaChanges), renamed districts take
   * their new name. A polling area's own row keeps the figures of its reports (an area that reported turnout cannot
   * be moved or have its voters changed). True when the election's rows changed.
   */
  private applyAmendment(
    event: StoredEvent,
    elections: Map<string, ElectionRow>,
    districts: Map<string, DistrictRow>,
    dirtyDistricts: Set<string>,
  ): boolean {
    const electionId = amendedElectionId(event);
    const amendment = asAmendment(event.data);
    if (!electionId || !amendment) {
      this.skip(event, 'malformed amendment');
      return false;
    }
    const election = elections.get(electionId);
    if (!election) {
      this.skip(event, 'unknown election');
      return false;
    }
    if (event.revision <= election.definitionRevision) return false;
    election.definitionRevision = event.revision;
    const district = (districtId: string) => {
      const key = `${electionId}|${districtId}`;
      const row = districts.get(key);
      if (row) dirtyDistricts.add(key);
      return row;
    };
    for (const { before, after } of amendment.pollingAreaChanges) {
      for (const [placement, sign] of [
        [before, -1],
        [after, +1],
      ] as const) {
        if (!placement) continue;
        election.registeredVoters += sign * placement.registeredVoters;
        election.pollingAreasExpected += sign;
        const row = district(placement.districtId);
        if (row) {
          row.registeredVoters += sign * placement.registeredVoters;
          row.pollingAreasExpected += sign;
        }
      }
    }
    for (const change of amendment.changes) {
      if (change.type !== 'rename' || change.target !== 'district' || !isText(change.id)) continue;
      const row = district(change.id);
      if (row && isText(change.name)) row.name = change.name;
    }
    return true;
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
        definitionRevision: Number(r.definition_revision),
      },
    ]),
  );
}

async function loadDistricts(manager: EntityManager, ids: string[]): Promise<Map<string, DistrictRow>> {
  if (ids.length === 0) return new Map();
  const rows: Array<Record<string, unknown>> = await manager.query(
    'SELECT * FROM rm_turnout_districts WHERE election_id = ANY($1::text[])',
    [ids],
  );
  return new Map(
    rows.map((r) => [
      `${r.election_id as string}|${r.district_id as string}`,
      {
        electionId: r.election_id as string,
        districtId: r.district_id as string,
        name: r.name as string,
        ordinal: Number(r.ordinal),
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
  rows: { elections: ElectionRow[]; districts: DistrictRow[]; areas: AreaRow[] },
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
      definition_revision: 'integer',
    },
    rows.elections.map((e) => ({
      election_id: e.electionId,
      reporting_times: e.reportingTimes,
      registered_voters: e.registeredVoters,
      polling_areas_expected: e.pollingAreasExpected,
      definition_revision: e.definitionRevision,
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
    rows.districts.map((d) => ({
      election_id: d.electionId,
      district_id: d.districtId,
      name: d.name,
      ordinal: d.ordinal,
      registered_voters: d.registeredVoters,
      polling_areas_expected: d.pollingAreasExpected,
    })),
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
