import { ElectionDefinition, ElectionIndex } from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';

/**
 * The empty result rows an election starts with: one per district × contest that has polling areas in the contest,
 * and one per electoral unit, each with the polling areas it expects. Coverage comes from the domain's
 * ElectionIndex, so "expected" means exactly what the tally decider accepts.
 */
export function initialResultRows(definition: ElectionDefinition): {
  districts: RmDistrictResultEntity[];
  units: RmUnitResultEntity[];
} {
  const index = ElectionIndex.of(definition);
  const { electionId } = definition;
  const districts: RmDistrictResultEntity[] = [];
  const units: RmUnitResultEntity[] = [];
  for (const contest of definition.contests) {
    const { contestId } = contest;
    const candidatesOfDistrict = new Map<string, Record<string, number>>();
    for (const unit of contest.electoralUnits) {
      if (index.unit(contestId, unit.unitId) !== unit) continue; // a duplicate id: the index keeps the first
      const areas = index.pollingAreasOfUnit(contestId, unit.unitId);
      units.push({
        electionId,
        contestId,
        unitId: unit.unitId,
        name: unit.name,
        seats: unit.seats,
        pollingAreasReported: 0,
        pollingAreasExpected: areas.length,
        expectedRegisteredVoters: index.registeredVotersOfUnit(contestId, unit.unitId),
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
        certification: null,
        unitRevision: -1,
      });
      for (const districtId of new Set(areas.map((a) => index.districtOf(a)!))) {
        const votes = candidatesOfDistrict.get(districtId) ?? {};
        for (const c of unit.candidates) votes[c.candidateId] = 0;
        candidatesOfDistrict.set(districtId, votes);
      }
    }
    for (const districtId of index.districtsOfContest(contestId)) {
      districts.push({
        electionId,
        districtId,
        contestId,
        pollingAreasReported: 0,
        pollingAreasExpected: index.pollingAreasExpectedCount(districtId, contestId),
        registeredVoters: 0,
        votersVoted: 0,
        validBallots: 0,
        invalidBallots: 0,
        candidateVotes: candidatesOfDistrict.get(districtId) ?? {},
      });
    }
  }
  return { districts, units };
}
