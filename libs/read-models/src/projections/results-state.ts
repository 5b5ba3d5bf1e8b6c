import type { ElectionDefinition } from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmElectionEntity } from '../entities/rm-election.entity';
import type { RmTallySheetEntity } from '../entities/rm-tally-sheet.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';

/**
 * The rows the results projection reads and changes. ResultsProjection's rules run against this interface only,
 * so the live read models (ResultsBatch, backed by PostgreSQL) and time travel (InMemoryResultsState, a fold of
 * the log up to a position) share one implementation.
 */
export interface ResultsState {
  /** `position`: of the ElectionDefined (an amendment keeps it: the election list is ordered by it). */
  election(electionId: string): { revision: number; position: number } | undefined;
  /** The definition in force. A PostgreSQL-backed state holds it only for the elections its batch amends or defines. */
  definition(electionId: string): ElectionDefinition | undefined;
  /** Every result row of the election; a PostgreSQL-backed state holds them all only for the elections it amends. */
  districtRows(electionId: string): RmDistrictResultEntity[];
  unitRows(electionId: string): RmUnitResultEntity[];
  /** A district × contest the amended definition no longer covers. */
  dropDistrict(electionId: string, districtId: string, contestId: string): void;
  sheet(electionId: string, pollingAreaId: string, contestId: string): RmTallySheetEntity | undefined;
  /** Result rows of an election defined now replace whatever the state holds for it. */
  putElection(
    election: RmElectionEntity,
    districts: RmDistrictResultEntity[],
    units: RmUnitResultEntity[],
  ): void;
  putSheet(sheet: RmTallySheetEntity): void;
  /** The row, which the caller may change (a PostgreSQL-backed state then writes it back unless `readOnly`). */
  district(
    electionId: string,
    districtId: string,
    contestId: string,
    readOnly?: boolean,
  ): RmDistrictResultEntity | undefined;
  unit(
    electionId: string,
    contestId: string,
    unitId: string,
    readOnly?: boolean,
  ): RmUnitResultEntity | undefined;
}

const key = (...parts: string[]) => parts.join('|');

/** The whole state in memory: what folding the log from position 0 gives, without a database. */
export class InMemoryResultsState implements ResultsState {
  private readonly elections = new Map<string, RmElectionEntity>();
  private readonly sheets = new Map<string, RmTallySheetEntity>();
  private readonly districts = new Map<string, RmDistrictResultEntity>();
  private readonly units = new Map<string, RmUnitResultEntity>();

  election(electionId: string) {
    return this.elections.get(electionId);
  }

  electionRow(electionId: string): RmElectionEntity | undefined {
    return this.elections.get(electionId);
  }

  definition(electionId: string): ElectionDefinition | undefined {
    return this.elections.get(electionId)?.definition as ElectionDefinition | undefined;
  }

  dropDistrict(electionId: string, districtId: string, contestId: string) {
    this.districts.delete(key(electionId, districtId, contestId));
  }

  sheet(electionId: string, pollingAreaId: string, contestId: string) {
    return this.sheets.get(key(electionId, pollingAreaId, contestId));
  }

  putElection(election: RmElectionEntity, districts: RmDistrictResultEntity[], units: RmUnitResultEntity[]) {
    this.elections.set(election.electionId, election);
    for (const d of districts) this.districts.set(key(d.electionId, d.districtId, d.contestId), d);
    for (const u of units) this.units.set(key(u.electionId, u.contestId, u.unitId), u);
  }

  putSheet(sheet: RmTallySheetEntity) {
    this.sheets.set(key(sheet.electionId, sheet.pollingAreaId, sheet.contestId), sheet);
  }

  district(electionId: string, districtId: string, contestId: string) {
    return this.districts.get(key(electionId, districtId, contestId));
  }

  unit(electionId: string, contestId: string, unitId: string) {
    return this.units.get(key(electionId, contestId, unitId));
  }

  districtRows(electionId: string): RmDistrictResultEntity[] {
    return [...this.districts.values()].filter((d) => d.electionId === electionId);
  }

  unitRows(electionId: string): RmUnitResultEntity[] {
    return [...this.units.values()].filter((u) => u.electionId === electionId);
  }

  sheetRows(electionId: string): RmTallySheetEntity[] {
    return [...this.sheets.values()].filter((s) => s.electionId === electionId);
  }

  electionIds(): string[] {
    return [...this.elections.keys()];
  }

  /**
   * A state to fold further while this one stays as it is (time travel keeps folds to start from). The projection
   * replaces election and sheet rows and never changes one, so those are shared; it changes result rows in place
   * (their totals, candidate votes and candidates), so those are copied.
   */
  copy(): InMemoryResultsState {
    const copy = new InMemoryResultsState();
    for (const [k, election] of this.elections) copy.elections.set(k, election);
    for (const [k, sheet] of this.sheets) copy.sheets.set(k, sheet);
    for (const [k, d] of this.districts)
      copy.districts.set(k, { ...d, candidateVotes: { ...d.candidateVotes } });
    for (const [k, u] of this.units)
      copy.units.set(k, { ...u, candidates: u.candidates.map((c) => ({ ...c })) });
    return copy;
  }
}
