import { ElectionDefinition, ElectionIndex } from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';

/**
 * The empty result rows an election starts with: one per district × contest that has polling areas in the contest,
 * and one per electoral unit, each with the polling areas it expects. Coverage comes from the domain's
 * ElectionIndex, so "expected" means exactly what the tally decider accepts. `position`: the defining event's, each
 * district row's last position.
 */
export function initialResultRows(
  definition: ElectionDefinition,
  position: number,
): {
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
        pollingAreasHeld: 0,
        pollingAreasUnverified: 0,
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
        annulment: null,
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
        pollingAreasHeld: 0,
        pollingAreasUnverified: 0,
        pollingAreasExpected: index.pollingAreasExpectedCount(districtId, contestId),
        registeredVoters: 0,
        votersVoted: 0,
        validBallots: 0,
        invalidBallots: 0,
        candidateVotes: candidatesOfDistrict.get(districtId) ?? {},
        lastPosition: position,
      });
    }
  }
  return { districts, units };
}

/** What an amendment does to an election's result rows: the rows to write, and the district rows that go. */
export interface AmendedRows {
  districts: RmDistrictResultEntity[];
  units: RmUnitResultEntity[];
  droppedDistricts: Array<Pick<RmDistrictResultEntity, 'districtId' | 'contestId'>>;
}

/**
 * The rows of an election after an amendment, from its rows before and the amended definition, as a pure function.
 * Layout fields (names, seats, polling areas and registered voters expected, the candidate lists) follow the new
 * definition; the sums of the sheets stay as they are (a sheet stays counted where it was placed). Only rows whose
 * content changes are returned, so an amendment writes exactly the rows it affects:
 * - a unit's candidates are the definition's, each with its votes so far (a new one with 0);
 * - a district row's candidates are those of the units covering it, with their votes so far; a candidate no longer
 *   listed keeps his key only while sheets still carry votes for him (a sheet accepted in the race before the
 *   amendment, see docs/architecture.md), so the district sums stay the sums of its sheets;
 * - a district row the contest no longer covers goes, unless sheets are still counted in it (then it expects 0).
 * A new row starts at zero, as on ElectionDefined. A district row it changes gets `position` (the amendment's) as
 * its last position.
 */
export function amendResultRows(
  amended: ElectionDefinition,
  districts: readonly RmDistrictResultEntity[],
  units: readonly RmUnitResultEntity[],
  position: number,
): AmendedRows {
  const layout = initialResultRows(amended, position);
  const unitKey = (r: { contestId: string; unitId: string }) => `${r.contestId}|${r.unitId}`;
  const districtKey = (r: { districtId: string; contestId: string }) => `${r.districtId}|${r.contestId}`;
  const oldUnits = new Map(units.map((u) => [unitKey(u), u]));
  const oldDistricts = new Map(districts.map((d) => [districtKey(d), d]));

  const changedUnits: RmUnitResultEntity[] = [];
  for (const row of layout.units) {
    const old = oldUnits.get(unitKey(row));
    if (!old) {
      changedUnits.push(row);
      continue;
    }
    const votes = new Map(old.candidates.map((c) => [c.candidateId, c.votes]));
    const next: RmUnitResultEntity = {
      ...old,
      name: row.name,
      seats: row.seats,
      pollingAreasExpected: row.pollingAreasExpected,
      expectedRegisteredVoters: row.expectedRegisteredVoters,
      candidates: row.candidates.map((c) => ({ ...c, votes: votes.get(c.candidateId) ?? 0 })),
    };
    if (!sameRow(old, next)) changedUnits.push(next);
  }

  const changedDistricts: RmDistrictResultEntity[] = [];
  const kept = new Set<string>();
  for (const row of layout.districts) {
    const key = districtKey(row);
    kept.add(key);
    const old = oldDistricts.get(key);
    if (!old) {
      changedDistricts.push(row);
      continue;
    }
    const candidateVotes: Record<string, number> = {};
    for (const id of Object.keys(row.candidateVotes)) candidateVotes[id] = old.candidateVotes[id] ?? 0;
    for (const [id, votes] of Object.entries(old.candidateVotes)) {
      if (votes !== 0 && !(id in candidateVotes)) candidateVotes[id] = votes;
    }
    const next = { ...old, pollingAreasExpected: row.pollingAreasExpected, candidateVotes };
    if (!sameRow(old, next)) changedDistricts.push({ ...next, lastPosition: position });
  }
  const droppedDistricts: AmendedRows['droppedDistricts'] = [];
  for (const old of districts) {
    if (kept.has(districtKey(old))) continue;
    if (old.pollingAreasReported === 0 && old.pollingAreasHeld === 0 && old.pollingAreasUnverified === 0) {
      droppedDistricts.push({ districtId: old.districtId, contestId: old.contestId });
    } else if (old.pollingAreasExpected !== 0) {
      changedDistricts.push({ ...old, pollingAreasExpected: 0, lastPosition: position });
    }
  }
  return { districts: changedDistricts, units: changedUnits, droppedDistricts };
}

/** Row equality as PostgreSQL stores them (jsonb ignores key order). */
function sameRow(a: object, b: object): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
