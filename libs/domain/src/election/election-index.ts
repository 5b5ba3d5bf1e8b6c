import { Candidate, Contest, ElectionDefinition, ElectoralUnit, PollingArea } from './election.types';

/** Where one polling area sits in one contest: its district and the electoral unit that counts its sheet. */
export interface UnitPlacement {
  contestId: string;
  pollingAreaId: string;
  districtId: string;
  unit: ElectoralUnit;
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * O(1) lookups over one election definition, built once per revision of the definition (an amendment makes a new
 * definition and a new index; an index never changes) and shared by the deciders, the projections and the queries. Assumes the definition passed validateElectionDefinition;
 * given an invalid one it still answers, first unit wins.
 */
export class ElectionIndex {
  private readonly areas = new Map<string, PollingArea>();
  private readonly contests = new Map<string, Contest>();
  /** contestId → unitId → unit */
  private readonly units = new Map<string, Map<string, ElectoralUnit>>();
  /** contestId → pollingAreaId → unit */
  private readonly unitOfArea = new Map<string, Map<string, ElectoralUnit>>();
  /** contestId → unitId → polling area ids, in definition order */
  private readonly areasOfUnit = new Map<string, Map<string, string[]>>();
  /** contestId → districtId → polling area ids covered by the contest, in definition order */
  private readonly areasOfDistrict = new Map<string, Map<string, string[]>>();
  /** contestId → unitId → sum of the definition's registered voters */
  private readonly votersOfUnit = new Map<string, Map<string, number>>();
  private readonly districtAreas = new Map<string, string[]>();

  constructor(readonly definition: ElectionDefinition) {
    for (const district of definition.districts) this.districtAreas.set(district.districtId, []);
    for (const area of definition.pollingAreas) {
      if (this.areas.has(area.pollingAreaId)) continue;
      this.areas.set(area.pollingAreaId, area);
      this.districtAreas.get(area.districtId)?.push(area.pollingAreaId);
    }
    for (const contest of definition.contests) this.indexContest(contest);
  }

  static of(definition: ElectionDefinition): ElectionIndex {
    return new ElectionIndex(definition);
  }

  get electionId(): string {
    return this.definition.electionId;
  }

  pollingArea(pollingAreaId: string): PollingArea | undefined {
    return this.areas.get(pollingAreaId);
  }

  hasPollingArea(pollingAreaId: string): boolean {
    return this.areas.has(pollingAreaId);
  }

  districtOf(pollingAreaId: string): string | undefined {
    return this.areas.get(pollingAreaId)?.districtId;
  }

  /** Polling area ids of a district, in definition order. */
  pollingAreasOfDistrict(districtId: string): readonly string[] {
    return this.districtAreas.get(districtId) ?? EMPTY;
  }

  contest(contestId: string): Contest | undefined {
    return this.contests.get(contestId);
  }

  hasContest(contestId: string): boolean {
    return this.contests.has(contestId);
  }

  unit(contestId: string, unitId: string): ElectoralUnit | undefined {
    return this.units.get(contestId)?.get(unitId);
  }

  /** The unit of `contestId` that covers the polling area; undefined when the area does not take part in the contest. */
  unitOf(contestId: string, pollingAreaId: string): ElectoralUnit | undefined {
    return this.unitOfArea.get(contestId)?.get(pollingAreaId);
  }

  seatsOf(contestId: string, unitId: string): number | undefined {
    return this.unit(contestId, unitId)?.seats;
  }

  candidatesOf(contestId: string, unitId: string): readonly Candidate[] {
    return this.unit(contestId, unitId)?.candidates ?? [];
  }

  placementOf(contestId: string, pollingAreaId: string): UnitPlacement | undefined {
    const area = this.areas.get(pollingAreaId);
    const unit = this.unitOf(contestId, pollingAreaId);
    if (!area || !unit) return undefined;
    return { contestId, pollingAreaId, districtId: area.districtId, unit };
  }

  /** The contests a polling area takes part in (one tally sheet each). */
  contestsOf(pollingAreaId: string): string[] {
    return [...this.unitOfArea]
      .filter(([, byArea]) => byArea.has(pollingAreaId))
      .map(([contestId]) => contestId);
  }

  /** Polling areas of the district that send a sheet for the contest: the denominator of "reported / expected". */
  pollingAreasExpected(districtId: string, contestId: string): readonly string[] {
    return this.areasOfDistrict.get(contestId)?.get(districtId) ?? EMPTY;
  }

  pollingAreasExpectedCount(districtId: string, contestId: string): number {
    return this.pollingAreasExpected(districtId, contestId).length;
  }

  pollingAreasOfUnit(contestId: string, unitId: string): readonly string[] {
    return this.areasOfUnit.get(contestId)?.get(unitId) ?? EMPTY;
  }

  /** Districts with polling areas in the unit, in definition order: whose admins may certify it. */
  districtsOfUnit(contestId: string, unitId: string): string[] {
    const areas = new Set(this.pollingAreasOfUnit(contestId, unitId).map((a) => this.districtOf(a)));
    return this.definition.districts.map((d) => d.districtId).filter((id) => areas.has(id));
  }

  /** Registered voters of a unit according to the definition (the sheets may report other figures). */
  registeredVotersOfUnit(contestId: string, unitId: string): number {
    return this.votersOfUnit.get(contestId)?.get(unitId) ?? 0;
  }

  /** Districts the contest covers at least partly, in definition order. */
  districtsOfContest(contestId: string): string[] {
    const byDistrict = this.areasOfDistrict.get(contestId);
    if (!byDistrict) return [];
    return this.definition.districts.map((d) => d.districtId).filter((id) => byDistrict.has(id));
  }

  private indexContest(contest: Contest): void {
    const { contestId } = contest;
    if (this.contests.has(contestId)) return;
    this.contests.set(contestId, contest);
    const units = new Map<string, ElectoralUnit>();
    const unitOfArea = new Map<string, ElectoralUnit>();
    const areasOfUnit = new Map<string, string[]>();
    const votersOfUnit = new Map<string, number>();
    for (const unit of contest.electoralUnits) {
      if (units.has(unit.unitId)) continue;
      units.set(unit.unitId, unit);
      const covered = unit.districtIds
        ? unit.districtIds.flatMap((d) => this.districtAreas.get(d) ?? [])
        : (unit.pollingAreaIds ?? []).filter((a) => this.areas.has(a));
      const own: string[] = [];
      for (const areaId of covered) {
        if (unitOfArea.has(areaId)) continue;
        unitOfArea.set(areaId, unit);
        own.push(areaId);
      }
      areasOfUnit.set(unit.unitId, own);
      votersOfUnit.set(
        unit.unitId,
        own.reduce((sum, a) => sum + (this.areas.get(a)?.registeredVoters ?? 0), 0),
      );
    }

    // Definition order, so reported/expected lists are stable whatever the unit order.
    const areasOfDistrict = new Map<string, string[]>();
    for (const area of this.areas.values()) {
      if (!unitOfArea.has(area.pollingAreaId)) continue;
      const list = areasOfDistrict.get(area.districtId) ?? [];
      list.push(area.pollingAreaId);
      areasOfDistrict.set(area.districtId, list);
    }

    this.units.set(contestId, units);
    this.unitOfArea.set(contestId, unitOfArea);
    this.areasOfUnit.set(contestId, areasOfUnit);
    this.areasOfDistrict.set(contestId, areasOfDistrict);
    this.votersOfUnit.set(contestId, votersOfUnit);
  }
}
