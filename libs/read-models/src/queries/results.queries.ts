import type { EntityManager } from 'typeorm';
import { ElectionDefinition } from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';
import { toDistrict, toUnit } from '../projections/results-batch';
import { ResultsProjection } from '../projections/results.projection';
import { checkpointPosition, readSnapshot } from './read-snapshot';
import {
  buildCityResults,
  buildDistrictResults,
  cityResultsOf,
  contestsShownWith,
  unitResults,
  unitsCountedIn,
} from './results-builder';
import type {
  CityResults,
  DistrictResult,
  DistrictResults,
  SingleDistrictResult,
  UnitResult,
} from './results.shapes';
import type { ReadDatabase } from './read-router';

type Row = Record<string, unknown>;

/** A sheet recorded but not in the totals, as GET /elections/{e}/review lists it. */
export interface SheetOnHold {
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  unitId: string;
  standing: 'held' | 'correction-required' | 'awaiting-second-entry' | 'discrepancy';
  /** The anomaly codes that hold it ([] for the entry standings). */
  heldOn: string[];
  /** The sheet's revision: its ETag, the If-Match of a review or resolution. */
  revision: number;
  /** Global position of its last event. */
  position: number;
}

export interface SheetsOnHold {
  electionId: string;
  /** The read model's position. */
  position: number;
  sheets: SheetOnHold[];
}

/** District and city results. Each method returns null when the election is unknown to the read model. */
export class ResultsQueries {
  /**
   * The definition in force per election, with the revision of the election stream it reflects. An amendment
   * changes it (in every api process): each read asks the row's revision, and reads the large definition again only
   * when the revision moved.
   */
  private readonly definitions = new Map<string, { revision: number; definition: ElectionDefinition }>();

  constructor(private readonly dataSource: ReadDatabase) {}

  async districtResults(electionId: string): Promise<DistrictResults | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const snapshot = await this.load(manager, electionId);
      if (!snapshot) return null;
      const { definition, position, districts, units } = snapshot;
      return { electionId, position, districts: buildDistrictResults(definition, districts, units) };
    });
  }

  /** Null when the election or the district is unknown. */
  async districtResult(electionId: string, districtId: string): Promise<SingleDistrictResult | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const snapshot = await this.load(manager, electionId, districtId);
      if (!snapshot) return null;
      const { definition, position, districts, units } = snapshot;
      const [district] = buildDistrictResults(definition, districts, units, districtId);
      if (!district) return null;
      return { electionId, position, ...district };
    });
  }

  /**
   * `contestId`: that contest alone (`?contest=`): only its rows and its rounds' are read and judged, and the
   * city-wide counts of certified units come from a light read of every unit row. A contest the election does not
   * hold gives no contest (the caller answers 404).
   */
  async cityResults(electionId: string, contestId?: string): Promise<CityResults | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const snapshot = await this.load(manager, electionId, undefined, contestId);
      if (!snapshot) return null;
      const { definition, position, districts, units } = snapshot;
      // Contest totals are the sum of the district rows of this same snapshot, so they always equal the districts'.
      if (contestId === undefined) return buildCityResults(definition, position, districts, units);
      const allUnits: Row[] = await manager.query(
        `SELECT contest_id, unit_id, (certification IS NOT NULL AND certification <> 'null'::jsonb) AS certified
           FROM rm_unit_results WHERE election_id = $1`,
        [electionId],
      );
      return buildCityResults(definition, position, districts, units, {
        contestId,
        allUnits: allUnits.map((r) => ({
          contestId: r.contest_id as string,
          unitId: r.unit_id as string,
          certified: r.certified as boolean,
        })),
      });
    });
  }

  /**
   * What the live feed shows, from one snapshot: every district's totals per contest (`candidates` and `units` left
   * empty: the feed does not show them) and the judged units: all of them, or with `unitIds` only the rows of those
   * units (every contest's row of each id, so a unit's rounds are judged with it). `city` builds the city answer
   * from judged units, these or kept ones: the same answer as cityResults for the same rows.
   */
  async liveResults(
    electionId: string,
    unitIds?: readonly string[],
  ): Promise<{
    position: number;
    districts: DistrictResult[];
    units: Map<string, UnitResult>;
    city(units: ReadonlyMap<string, UnitResult>): CityResults;
  } | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const definition = await this.definition(manager, electionId);
      if (!definition) return null;
      const position = await checkpointPosition(manager, ResultsProjection.NAME);
      // The totals only: a national district row's candidate votes are most of its bytes.
      const districtRows: Row[] = await manager.query(
        `SELECT election_id, district_id, contest_id, polling_areas_reported, polling_areas_held,
                polling_areas_unverified, polling_areas_expected, registered_voters, voters_voted, valid_ballots,
                invalid_ballots, '{}'::jsonb AS candidate_votes, last_position
           FROM rm_district_results WHERE election_id = $1`,
        [electionId],
      );
      const unitRows: Row[] =
        unitIds === undefined
          ? await manager.query('SELECT * FROM rm_unit_results WHERE election_id = $1', [electionId])
          : unitIds.length === 0
            ? []
            : await manager.query(
                'SELECT * FROM rm_unit_results WHERE election_id = $1 AND unit_id = ANY($2::text[])',
                [electionId, [...unitIds]],
              );
      const districts = districtRows.map(toDistrict);
      return {
        position,
        districts: buildDistrictResults(definition, districts, []),
        units: unitResults(definition, unitRows.map(toUnit)),
        city: (units) => cityResultsOf(definition, position, districts, units),
      };
    });
  }

  /**
   * The sheets of the election that are recorded but not counted (held for review, sent back for a correction,
   * awaiting their second entry, in discrepancy), oldest change first; null when the election is unknown.
   */
  async sheetsOnHold(electionId: string): Promise<SheetsOnHold | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const known: Row[] = await manager.query('SELECT 1 FROM rm_elections WHERE election_id = $1', [
        electionId,
      ]);
      if (known.length === 0) return null;
      const position = await checkpointPosition(manager, ResultsProjection.NAME);
      const rows: Row[] = await manager.query(
        `SELECT polling_area_id, contest_id, district_id, unit_id, standing, held_on, revision, last_position
           FROM rm_tally_sheets WHERE election_id = $1 AND standing <> 'counted'
          ORDER BY last_position`,
        [electionId],
      );
      return {
        electionId,
        position,
        sheets: rows.map((r) => ({
          pollingAreaId: r.polling_area_id as string,
          contestId: r.contest_id as string,
          districtId: r.district_id as string,
          unitId: r.unit_id as string,
          standing: r.standing as SheetOnHold['standing'],
          heldOn: r.held_on as string[],
          revision: Number(r.revision),
          position: Number(r.last_position),
        })),
      };
    });
  }

  /**
   * The definition is large (every polling area): in the caller's snapshot only its revision is read, and the
   * definition itself when the revision is not the one cached, so the rows and the definition always agree.
   */
  private async definition(manager: EntityManager, electionId: string): Promise<ElectionDefinition | null> {
    const known = this.definitions.get(electionId);
    const rows: Row[] = await manager.query(
      `SELECT revision, CASE WHEN revision = $2 THEN NULL ELSE definition END AS definition
       FROM rm_elections WHERE election_id = $1`,
      [electionId, known?.revision ?? -1],
    );
    if (rows.length === 0) return null;
    const revision = Number(rows[0].revision);
    if (known && known.revision === revision) return known.definition;
    const definition = rows[0].definition as ElectionDefinition;
    this.definitions.set(electionId, { revision, definition });
    return definition;
  }

  private async load(
    manager: EntityManager,
    electionId: string,
    onlyDistrictId?: string,
    /** Only the rows this contest's answer needs: its own and its rounds' (contestsShownWith). */
    onlyContestId?: string,
  ): Promise<{
    definition: ElectionDefinition;
    position: number;
    districts: RmDistrictResultEntity[];
    units: RmUnitResultEntity[];
  } | null> {
    const definition = await this.definition(manager, electionId);
    if (!definition) return null;
    const position = await checkpointPosition(manager, ResultsProjection.NAME);
    const onlyContestIds =
      onlyContestId === undefined ? undefined : contestsShownWith(definition, onlyContestId);
    const districtRows: Row[] = await manager.query(
      `SELECT * FROM rm_district_results WHERE election_id = $1 AND ($2::text IS NULL OR district_id = $2)
         AND ($3::text[] IS NULL OR contest_id = ANY($3::text[]))`,
      [electionId, onlyDistrictId ?? null, onlyContestIds ?? null],
    );
    const districts = districtRows.map(toDistrict);
    // One district shows only the units its rows count candidates of (and their rounds): a national night has
    // ~12,600 units, and judging every one of them for one province cost most of its answer.
    const unitIds = onlyDistrictId === undefined ? undefined : unitsCountedIn(definition, districts);
    const units: Row[] =
      unitIds === undefined
        ? await manager.query(
            'SELECT * FROM rm_unit_results WHERE election_id = $1 AND ($2::text[] IS NULL OR contest_id = ANY($2::text[]))',
            [electionId, onlyContestIds ?? null],
          )
        : unitIds.length === 0
          ? []
          : await manager.query(
              'SELECT * FROM rm_unit_results WHERE election_id = $1 AND unit_id = ANY($2::text[])',
              [electionId, unitIds],
            );
    return {
      definition,
      position,
      districts,
      units: units.map(toUnit),
    };
  }
}
