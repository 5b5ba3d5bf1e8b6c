import { upsert } from './upsert';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import type { ElectionDefinition } from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmElectionEntity } from '../entities/rm-election.entity';
import type { RmTallySheetEntity } from '../entities/rm-tally-sheet.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';
import { UNIT_STREAM_PREFIX } from '@tally/domain';
import { amendedElectionId, asDefinition, asPlacement, asUnitRef } from './fact-shapes';
import type { ResultsState } from './results-state';
import { DistrictRowCache } from './district-row-cache';

export const sheetKey = (electionId: string, pollingAreaId: string, contestId: string) =>
  `${electionId}|${pollingAreaId}|${contestId}`;
const districtKey = (electionId: string, districtId: string, contestId: string) =>
  `${electionId}|${districtId}|${contestId}`;
const unitKey = (electionId: string, contestId: string, unitId: string) =>
  `${electionId}|${contestId}|${unitId}`;

type Triple = [string, string, string];

/**
 * The rows one batch of events touches, read with a handful of queries, changed in memory, and written back with
 * one statement per table (two for district rows). A batch of 500 sheets costs about eight round trips instead of
 * several per event. District rows carry every candidate of their district (a province's: 6.6 KB on average over a
 * national night): their candidate votes are read only when the DistrictRowCache has no copy at the row's last
 * position, and a row read from PostgreSQL is written back as the totals and the votes that changed.
 */
export class ResultsBatch implements ResultsState {
  readonly elections = new Map<string, { revision: number; position: number }>();
  readonly sheets = new Map<string, RmTallySheetEntity>();
  private readonly districts = new Map<string, RmDistrictResultEntity>();
  private readonly units = new Map<string, RmUnitResultEntity>();
  private readonly newElections = new Map<string, RmElectionEntity>();
  /** Definitions in force of the elections this batch amends (loaded) or defines. */
  private readonly definitions = new Map<string, ElectionDefinition>();
  private readonly dirtySheets = new Set<string>();
  private readonly dirtyDistricts = new Set<string>();
  private readonly droppedDistricts = new Map<string, Triple>();
  private readonly dirtyUnits = new Set<string>();
  /** The district rows held as read from PostgreSQL (not replaced by a definition or an amendment in this batch). */
  private readonly asStored = new Set<string>();
  /**
   * By district row, the candidates on the sheets this batch moved into or out of it (putSheet). The projection
   * changes a row's votes in place only by rolling a sheet up (ResultsProjection.rollUp, always followed by
   * putSheet), so these are the votes of a stored row that can have changed: it is written back as its totals and
   * these votes. (Comparing with a copy of the votes as read cost a third of the projector's time nationally.)
   */
  private readonly votesMoved = new Map<string, Set<string>>();

  private constructor(private readonly cache: DistrictRowCache) {}

  /** `cache`: the rows kept from earlier batches (none: a cache of this batch alone). */
  static async load(
    events: StoredEvent[],
    manager: EntityManager,
    cache: DistrictRowCache = new DistrictRowCache(),
  ): Promise<ResultsBatch> {
    const batch = new ResultsBatch(cache);
    const electionIds = new Set<string>();
    const sheetKeys = new Map<string, Triple>();
    const districtKeys = new Map<string, Triple>();
    const unitKeys = new Map<string, Triple>();
    // An amendment may change any row of its election: those are read whole.
    const amended = new Set<string>();
    for (const event of events) {
      const definition = event.type === 'ElectionDefined' ? asDefinition(event.data.definition) : null;
      if (definition) electionIds.add(definition.electionId);
      const amendedId = amendedElectionId(event);
      if (amendedId) {
        electionIds.add(amendedId);
        amended.add(amendedId);
      }
      const ref = event.streamId.startsWith(UNIT_STREAM_PREFIX) ? asUnitRef(event.data) : null;
      if (ref) {
        electionIds.add(ref.electionId);
        unitKeys.set(unitKey(ref.electionId, ref.contestId, ref.unitId), [
          ref.electionId,
          ref.contestId,
          ref.unitId,
        ]);
        continue;
      }
      const p = asPlacement(event.data);
      if (!p) continue;
      electionIds.add(p.electionId);
      sheetKeys.set(sheetKey(p.electionId, p.pollingAreaId, p.contestId), [
        p.electionId,
        p.pollingAreaId,
        p.contestId,
      ]);
      districtKeys.set(districtKey(p.electionId, p.districtId, p.contestId), [
        p.electionId,
        p.districtId,
        p.contestId,
      ]);
      unitKeys.set(unitKey(p.electionId, p.contestId, p.unitId), [p.electionId, p.contestId, p.unitId]);
    }

    if (electionIds.size > 0) {
      const rows: Array<{ election_id: string; revision: number; position: string }> = await manager.query(
        'SELECT election_id, revision, position FROM rm_elections WHERE election_id = ANY($1::text[])',
        [[...electionIds]],
      );
      for (const r of rows)
        batch.elections.set(r.election_id, { revision: r.revision, position: Number(r.position) });
    }
    if (amended.size > 0) {
      const ids = [[...amended]];
      const rows: Array<{ election_id: string; definition: ElectionDefinition }> = await manager.query(
        'SELECT election_id, definition FROM rm_elections WHERE election_id = ANY($1::text[])',
        ids,
      );
      for (const r of rows) batch.definitions.set(r.election_id, r.definition);
      const districtRows: Array<Record<string, unknown>> = await manager.query(
        'SELECT * FROM rm_district_results WHERE election_id = ANY($1::text[])',
        ids,
      );
      for (const r of districtRows) {
        const row = toDistrict(r);
        batch.stored(districtKey(row.electionId, row.districtId, row.contestId), row);
        districtKeys.delete(districtKey(row.electionId, row.districtId, row.contestId));
      }
      const unitRows: Array<Record<string, unknown>> = await manager.query(
        'SELECT * FROM rm_unit_results WHERE election_id = ANY($1::text[])',
        ids,
      );
      for (const r of unitRows) {
        const row = toUnit(r);
        batch.units.set(unitKey(row.electionId, row.contestId, row.unitId), row);
        unitKeys.delete(unitKey(row.electionId, row.contestId, row.unitId));
      }
    }

    const sheets = await selectSheets(manager, sheetKeys);
    for (const r of sheets) {
      const sheet = toSheet(r);
      batch.sheets.set(sheetKey(sheet.electionId, sheet.pollingAreaId, sheet.contestId), sheet);
      // A sheet's counts leave its stored place, which is where they must be subtracted from.
      districtKeys.set(districtKey(sheet.electionId, sheet.districtId, sheet.contestId), [
        sheet.electionId,
        sheet.districtId,
        sheet.contestId,
      ]);
      unitKeys.set(unitKey(sheet.electionId, sheet.contestId, sheet.unitId), [
        sheet.electionId,
        sheet.contestId,
        sheet.unitId,
      ]);
    }

    for (const [key, [electionId]] of districtKeys) if (amended.has(electionId)) districtKeys.delete(key);
    const districts = await selectDistricts(manager, districtKeys, cache);
    const found = new Set<string>();
    for (const r of districts) {
      const key = districtKey(r.election_id as string, r.district_id as string, r.contest_id as string);
      found.add(key);
      // No votes: the kept copy is at the row's last position (selectDistricts), so it is the stored row. It is used
      // itself, never a new object sharing its votes: a copy changed by a batch that then rolled back must carry
      // that batch's position, so that it is read again.
      batch.stored(key, r.candidate_votes === null ? cache.get(key)! : toDistrict(r));
    }
    for (const key of districtKeys.keys()) if (!found.has(key)) cache.delete(key);
    const units = await selectByKeys(
      manager,
      'rm_unit_results',
      ['election_id', 'contest_id', 'unit_id'],
      unitKeys,
    );
    for (const r of units) {
      const row = toUnit(r);
      if (amended.has(row.electionId)) continue;
      batch.units.set(unitKey(row.electionId, row.contestId, row.unitId), row);
    }
    return batch;
  }

  /** A district row as PostgreSQL holds it. */
  private stored(key: string, row: RmDistrictResultEntity): void {
    this.districts.set(key, row);
    this.asStored.add(key);
    this.cache.set(key, row);
  }

  election(electionId: string): { revision: number; position: number } | undefined {
    return this.elections.get(electionId);
  }

  sheet(electionId: string, pollingAreaId: string, contestId: string): RmTallySheetEntity | undefined {
    return this.sheets.get(sheetKey(electionId, pollingAreaId, contestId));
  }

  definition(electionId: string): ElectionDefinition | undefined {
    return this.definitions.get(electionId);
  }

  districtRows(electionId: string): RmDistrictResultEntity[] {
    return [...this.districts.values()].filter((d) => d.electionId === electionId);
  }

  unitRows(electionId: string): RmUnitResultEntity[] {
    return [...this.units.values()].filter((u) => u.electionId === electionId);
  }

  /** The election row, and the result rows given: they replace whatever the maps hold for them. */
  putElection(
    election: RmElectionEntity,
    districts: RmDistrictResultEntity[],
    units: RmUnitResultEntity[],
  ): void {
    this.elections.set(election.electionId, { revision: election.revision, position: election.position });
    this.newElections.set(election.electionId, election);
    this.definitions.set(election.electionId, election.definition);
    for (const d of districts) {
      const key = districtKey(d.electionId, d.districtId, d.contestId);
      this.districts.set(key, d);
      this.dirtyDistricts.add(key);
      this.droppedDistricts.delete(key);
      // A new row object: written whole.
      this.asStored.delete(key);
      this.cache.set(key, d);
    }
    for (const u of units) {
      const key = unitKey(u.electionId, u.contestId, u.unitId);
      this.units.set(key, u);
      this.dirtyUnits.add(key);
    }
  }

  dropDistrict(electionId: string, districtId: string, contestId: string): void {
    const key = districtKey(electionId, districtId, contestId);
    this.districts.delete(key);
    this.dirtyDistricts.delete(key);
    this.asStored.delete(key);
    this.cache.delete(key);
    this.droppedDistricts.set(key, [electionId, districtId, contestId]);
  }

  putSheet(sheet: RmTallySheetEntity): void {
    const key = sheetKey(sheet.electionId, sheet.pollingAreaId, sheet.contestId);
    const before = this.sheets.get(key);
    if (before) this.moveVotes(before);
    this.moveVotes(sheet);
    this.sheets.set(key, sheet);
    this.dirtySheets.add(key);
  }

  private moveVotes(sheet: RmTallySheetEntity): void {
    const key = districtKey(sheet.electionId, sheet.districtId, sheet.contestId);
    let ids = this.votesMoved.get(key);
    if (!ids) this.votesMoved.set(key, (ids = new Set()));
    for (const id of Object.keys(sheet.counts.candidateVotes)) ids.add(id);
  }

  /** The row, marked to be written back unless `readOnly` (callers otherwise only ask in order to change it). */
  district(
    electionId: string,
    districtId: string,
    contestId: string,
    readOnly = false,
  ): RmDistrictResultEntity | undefined {
    const key = districtKey(electionId, districtId, contestId);
    const row = this.districts.get(key);
    if (row && !readOnly) this.dirtyDistricts.add(key);
    return row;
  }

  unit(
    electionId: string,
    contestId: string,
    unitId: string,
    readOnly = false,
  ): RmUnitResultEntity | undefined {
    const key = unitKey(electionId, contestId, unitId);
    const row = this.units.get(key);
    if (row && !readOnly) this.dirtyUnits.add(key);
    return row;
  }

  async flush(manager: EntityManager): Promise<void> {
    const elections = [...this.newElections.values()].map((e) => ({
      election_id: e.electionId,
      name: e.name,
      polling_date: e.pollingDate,
      definition: e.definition,
      revision: e.revision,
      position: e.position,
    }));
    await upsert(manager, 'rm_elections', ['election_id'], ELECTION_COLUMNS, elections);

    if (this.droppedDistricts.size > 0) {
      const dropped = [...this.droppedDistricts.values()];
      await manager.query(
        `DELETE FROM rm_district_results t
         USING unnest($1::text[], $2::text[], $3::text[]) AS k(a, b, c)
         WHERE t.election_id = k.a AND t.district_id = k.b AND t.contest_id = k.c`,
        [dropped.map((d) => d[0]), dropped.map((d) => d[1]), dropped.map((d) => d[2])],
      );
    }
    const whole: object[] = [];
    const patched: object[] = [];
    for (const key of this.dirtyDistricts) {
      const d = this.districts.get(key)!;
      const row = {
        election_id: d.electionId,
        district_id: d.districtId,
        contest_id: d.contestId,
        polling_areas_reported: d.pollingAreasReported,
        polling_areas_held: d.pollingAreasHeld,
        polling_areas_unverified: d.pollingAreasUnverified,
        polling_areas_expected: d.pollingAreasExpected,
        registered_voters: d.registeredVoters,
        voters_voted: d.votersVoted,
        valid_ballots: d.validBallots,
        invalid_ballots: d.invalidBallots,
        last_position: d.lastPosition,
      };
      if (this.asStored.has(key)) {
        const changed: Record<string, number> = {};
        for (const id of this.votesMoved.get(key) ?? []) {
          if (id in d.candidateVotes) changed[id] = d.candidateVotes[id];
        }
        patched.push({ ...row, changed_votes: changed });
      } else whole.push({ ...row, candidate_votes: d.candidateVotes });
    }
    await upsert(
      manager,
      'rm_district_results',
      ['election_id', 'district_id', 'contest_id'],
      DISTRICT_COLUMNS,
      whole,
    );
    await updateDistricts(manager, patched);

    const units = [...this.dirtyUnits]
      .map((k) => this.units.get(k)!)
      .map((u) => ({
        election_id: u.electionId,
        contest_id: u.contestId,
        unit_id: u.unitId,
        name: u.name,
        seats: u.seats,
        polling_areas_reported: u.pollingAreasReported,
        polling_areas_held: u.pollingAreasHeld,
        polling_areas_unverified: u.pollingAreasUnverified,
        polling_areas_expected: u.pollingAreasExpected,
        expected_registered_voters: u.expectedRegisteredVoters,
        registered_voters: u.registeredVoters,
        voters_voted: u.votersVoted,
        valid_ballots: u.validBallots,
        invalid_ballots: u.invalidBallots,
        candidates: u.candidates,
        certification: u.certification,
        annulment: u.annulment,
        unit_revision: u.unitRevision,
      }));
    await upsert(manager, 'rm_unit_results', ['election_id', 'contest_id', 'unit_id'], UNIT_COLUMNS, units);

    const sheets = [...this.dirtySheets]
      .map((k) => this.sheets.get(k)!)
      .map((s) => ({
        election_id: s.electionId,
        polling_area_id: s.pollingAreaId,
        contest_id: s.contestId,
        district_id: s.districtId,
        unit_id: s.unitId,
        counts: s.counts,
        revision: s.revision,
        status: s.status,
        standing: s.standing,
        held_on: s.heldOn,
        corrections: s.corrections,
        last_position: s.lastPosition,
      }));
    await upsert(
      manager,
      'rm_tally_sheets',
      ['election_id', 'polling_area_id', 'contest_id'],
      SHEET_COLUMNS,
      sheets,
    );
  }
}

const ELECTION_COLUMNS = {
  election_id: 'text',
  name: 'text',
  polling_date: 'date',
  definition: 'jsonb',
  revision: 'integer',
  position: 'bigint',
};
/** Summed counts are bigint: 300 sheets of 9,000,000 voters already pass 2^31. */
const TOTAL_COLUMNS = {
  polling_areas_reported: 'bigint',
  polling_areas_held: 'bigint',
  polling_areas_unverified: 'bigint',
  polling_areas_expected: 'bigint',
  registered_voters: 'bigint',
  voters_voted: 'bigint',
  valid_ballots: 'bigint',
  invalid_ballots: 'bigint',
};
const DISTRICT_COLUMNS = {
  election_id: 'text',
  district_id: 'text',
  contest_id: 'text',
  ...TOTAL_COLUMNS,
  last_position: 'bigint',
  candidate_votes: 'jsonb',
};

/** District rows read in this batch: their totals, last position and the votes that changed (jsonb `||`). */
async function updateDistricts(manager: EntityManager, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const totals = Object.keys(TOTAL_COLUMNS);
  await manager.query(
    `UPDATE rm_district_results t
     SET ${[...totals, 'last_position'].map((n) => `${n} = x.${n}`).join(', ')},
         candidate_votes = t.candidate_votes || x.changed_votes
     FROM jsonb_to_recordset($1::jsonb) AS x(election_id text, district_id text, contest_id text,
       ${totals.map((n) => `${n} bigint`).join(', ')}, last_position bigint, changed_votes jsonb)
     WHERE t.election_id = x.election_id AND t.district_id = x.district_id AND t.contest_id = x.contest_id`,
    [JSON.stringify(rows)],
  );
}

/**
 * District rows by key, each with its candidate votes unless `cache` holds the row at the same last position
 * (then `candidate_votes` is null: the kept votes are the stored ones).
 */
async function selectDistricts(
  manager: EntityManager,
  keys: Map<string, Triple>,
  cache: DistrictRowCache,
): Promise<Array<Record<string, unknown>>> {
  if (keys.size === 0) return [];
  const triples = [...keys.values()];
  const kept = [...keys.keys()].map((key) => cache.get(key)?.lastPosition ?? null);
  return manager.query(
    `SELECT t.election_id, t.district_id, t.contest_id, ${Object.keys(TOTAL_COLUMNS)
      .map((n) => `t.${n}`)
      .join(', ')}, t.last_position,
       CASE WHEN t.last_position = k.p THEN NULL ELSE t.candidate_votes END AS candidate_votes
     FROM rm_district_results t
     JOIN unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS k(a, b, c, p)
       ON t.election_id = k.a AND t.district_id = k.b AND t.contest_id = k.c`,
    [triples.map((t) => t[0]), triples.map((t) => t[1]), triples.map((t) => t[2]), kept],
  );
}
const UNIT_COLUMNS = {
  election_id: 'text',
  contest_id: 'text',
  unit_id: 'text',
  name: 'text',
  seats: 'integer',
  ...TOTAL_COLUMNS,
  expected_registered_voters: 'bigint',
  candidates: 'jsonb',
  certification: 'jsonb',
  annulment: 'jsonb',
  unit_revision: 'integer',
};
const SHEET_COLUMNS = {
  election_id: 'text',
  polling_area_id: 'text',
  contest_id: 'text',
  district_id: 'text',
  unit_id: 'text',
  counts: 'jsonb',
  revision: 'integer',
  status: 'text',
  standing: 'text',
  held_on: 'jsonb',
  corrections: 'integer',
  last_position: 'bigint',
};

export const SHEETS_BY_KEY_SQL = `SELECT t.* FROM rm_tally_sheets t
  WHERE (t.election_id || '/' || t.polling_area_id || '/' || t.contest_id) = ANY($1::text[])`;

/** A sheet's key as rm_tally_sheets_key_idx spells it (ids never hold '/': ID_PATTERN). */
export const sheetLookupKey = (electionId: string, pollingAreaId: string, contestId: string): string =>
  `${electionId}/${pollingAreaId}/${contestId}`;

/** By the key expression of rm_tally_sheets_key_idx (migration 1765500000000): one index lookup per sheet. */
async function selectSheets(
  manager: EntityManager,
  keys: Map<string, Triple>,
): Promise<Array<Record<string, unknown>>> {
  if (keys.size === 0) return [];
  return manager.query(SHEETS_BY_KEY_SQL, [
    [...keys.values()].map(([election, area, contest]) => sheetLookupKey(election, area, contest)),
  ]);
}

async function selectByKeys(
  manager: EntityManager,
  table: string,
  keyColumns: [string, string, string],
  keys: Map<string, Triple>,
): Promise<Array<Record<string, unknown>>> {
  if (keys.size === 0) return [];
  const triples = [...keys.values()];
  return manager.query(
    `SELECT t.* FROM ${table} t
     JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(a, b, c)
       ON t.${keyColumns[0]} = k.a AND t.${keyColumns[1]} = k.b AND t.${keyColumns[2]} = k.c`,
    [triples.map((t) => t[0]), triples.map((t) => t[1]), triples.map((t) => t[2])],
  );
}

const totals = (r: Record<string, unknown>) => ({
  pollingAreasReported: Number(r.polling_areas_reported),
  pollingAreasHeld: Number(r.polling_areas_held),
  pollingAreasUnverified: Number(r.polling_areas_unverified),
  pollingAreasExpected: Number(r.polling_areas_expected),
  registeredVoters: Number(r.registered_voters),
  votersVoted: Number(r.voters_voted),
  validBallots: Number(r.valid_ballots),
  invalidBallots: Number(r.invalid_ballots),
});

export function toSheet(r: Record<string, unknown>): RmTallySheetEntity {
  return {
    electionId: r.election_id as string,
    pollingAreaId: r.polling_area_id as string,
    contestId: r.contest_id as string,
    districtId: r.district_id as string,
    unitId: r.unit_id as string,
    counts: r.counts as RmTallySheetEntity['counts'],
    revision: Number(r.revision),
    status: r.status as RmTallySheetEntity['status'],
    standing: r.standing as RmTallySheetEntity['standing'],
    heldOn: r.held_on as string[],
    corrections: Number(r.corrections),
    lastPosition: Number(r.last_position),
  };
}

export function toDistrict(r: Record<string, unknown>): RmDistrictResultEntity {
  return {
    electionId: r.election_id as string,
    districtId: r.district_id as string,
    contestId: r.contest_id as string,
    ...totals(r),
    candidateVotes: r.candidate_votes as Record<string, number>,
    lastPosition: Number(r.last_position),
  };
}

export function toUnit(r: Record<string, unknown>): RmUnitResultEntity {
  return {
    electionId: r.election_id as string,
    contestId: r.contest_id as string,
    unitId: r.unit_id as string,
    name: r.name as string,
    seats: Number(r.seats),
    ...totals(r),
    expectedRegisteredVoters: Number(r.expected_registered_voters),
    candidates: r.candidates as RmUnitResultEntity['candidates'],
    certification: (r.certification ?? null) as RmUnitResultEntity['certification'],
    annulment: (r.annulment ?? null) as RmUnitResultEntity['annulment'],
    unitRevision: Number(r.unit_revision ?? -1),
  };
}
