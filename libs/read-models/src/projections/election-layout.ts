import type { ElectionDefinition } from '../domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';

/**
 * The empty result rows an election starts with: one per district × contest and one per electoral unit, with the
 * polling areas each expects. The domain's ElectionIndex did not exist when this was written; this is the one
 * place that resolves a unit's coverage (whole districts or a list of polling areas).
 */
export function initialResultRows(definition: ElectionDefinition): {
  districts: RmDistrictResultEntity[];
  units: RmUnitResultEntity[];
} {
  const { electionId } = definition;
  const areasByDistrict = new Map<string, typeof definition.pollingAreas>();
  for (const area of definition.pollingAreas) {
    const list = areasByDistrict.get(area.districtId) ?? [];
    list.push(area);
    areasByDistrict.set(area.districtId, list);
  }
  const areaById = new Map(definition.pollingAreas.map((a) => [a.pollingAreaId, a]));

  const districts = new Map<string, RmDistrictResultEntity>();
  const units: RmUnitResultEntity[] = [];
  for (const contest of definition.contests) {
    for (const unit of contest.electoralUnits) {
      const areas = unit.pollingAreaIds
        ? unit.pollingAreaIds.flatMap((id) => areaById.get(id) ?? [])
        : (unit.districtIds ?? []).flatMap((id) => areasByDistrict.get(id) ?? []);
      units.push({
        electionId,
        contestId: contest.contestId,
        unitId: unit.unitId,
        name: unit.name,
        seats: unit.seats,
        pollingAreasReported: 0,
        pollingAreasExpected: areas.length,
        expectedRegisteredVoters: areas.reduce((sum, a) => sum + a.registeredVoters, 0),
        registeredVoters: 0,
        votersVoted: 0,
        validBallots: 0,
        invalidBallots: 0,
        candidates: unit.candidates.map((c) => ({
          candidateId: c.candidateId,
          name: c.name,
          birthDate: c.birthDate,
          votes: 0,
        })),
      });
      for (const area of areas) {
        const key = `${area.districtId}|${contest.contestId}`;
        let row = districts.get(key);
        if (!row) {
          row = {
            electionId,
            districtId: area.districtId,
            contestId: contest.contestId,
            pollingAreasReported: 0,
            pollingAreasExpected: 0,
            registeredVoters: 0,
            votersVoted: 0,
            validBallots: 0,
            invalidBallots: 0,
            candidateVotes: {},
          };
          districts.set(key, row);
        }
        row.pollingAreasExpected += 1;
        for (const c of unit.candidates) row.candidateVotes[c.candidateId] = 0;
      }
    }
  }
  return { districts: [...districts.values()], units };
}
