import { Contest, decideUnitOutcome, ElectionDefinition } from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';
import { ratio } from './read-snapshot';
import type {
  CityResults,
  DistrictContestResult,
  DistrictResult,
  ResultTotals,
  UnitResult,
} from './results.shapes';

type Totals = Pick<
  RmDistrictResultEntity,
  | 'pollingAreasReported'
  | 'pollingAreasExpected'
  | 'registeredVoters'
  | 'votersVoted'
  | 'validBallots'
  | 'invalidBallots'
>;

/**
 * The public result shapes from result rows, wherever the rows come from: the live read models (ResultsQueries)
 * or a fold of the log in memory (time travel, verify-export). One code path, so both answer alike.
 */
export function buildDistrictResults(
  definition: ElectionDefinition,
  districtRows: RmDistrictResultEntity[],
  unitRows: RmUnitResultEntity[],
  onlyDistrictId?: string,
): DistrictResult[] {
  const elected = new Set<string>();
  const contests = new Map(definition.contests.map((c) => [c.contestId, c]));
  const units = new Map<string, UnitResult>();
  for (const row of unitRows) {
    const unit = unitResult(row, contests.get(row.contestId));
    units.set(`${row.contestId}|${row.unitId}`, unit);
    for (const c of unit.candidates) if (c.elected) elected.add(`${row.contestId}|${c.candidateId}`);
  }
  const rowByKey = new Map(districtRows.map((r) => [`${r.districtId}|${r.contestId}`, r]));
  return definition.districts
    .filter((d) => onlyDistrictId === undefined || d.districtId === onlyDistrictId)
    .map((district) => ({
      districtId: district.districtId,
      name: district.name,
      contests: definition.contests.flatMap((contest): DistrictContestResult[] => {
        const row = rowByKey.get(`${district.districtId}|${contest.contestId}`);
        if (!row) return [];
        const votes = row.candidateVotes;
        return [
          {
            contestId: contest.contestId,
            name: contest.name,
            kind: contest.kind ?? null,
            ...totalsOf(row),
            candidates: contest.electoralUnits.flatMap((unit) =>
              unit.candidates
                .filter((c) => c.candidateId in votes)
                .map((c) => ({
                  candidateId: c.candidateId,
                  unitId: unit.unitId,
                  name: c.name,
                  votes: votes[c.candidateId],
                  share: ratio(votes[c.candidateId], row.validBallots),
                  elected: elected.has(`${contest.contestId}|${c.candidateId}`),
                })),
            ),
            // The units with polling areas in the district: those whose candidates the row counts.
            units: contest.electoralUnits.flatMap((u) => {
              const unit = units.get(`${contest.contestId}|${u.unitId}`);
              if (!unit || !u.candidates.some((c) => c.candidateId in votes)) return [];
              return [
                {
                  unitId: unit.unitId,
                  name: unit.name,
                  outcome: unit.outcome,
                  outcomeReason: unit.outcomeReason,
                  seatsUnfilled: unit.seatsUnfilled,
                  provisional: unit.provisional,
                  certified: unit.certified,
                },
              ];
            }),
          },
        ];
      }),
    }));
}

/** Contest totals are the sum of the district rows given, so they always equal the districts'. */
export function buildCityResults(
  definition: ElectionDefinition,
  position: number,
  districtRows: RmDistrictResultEntity[],
  unitRows: RmUnitResultEntity[],
): CityResults {
  const sums = new Map<string, Totals>();
  for (const row of districtRows) {
    const sum = sums.get(row.contestId) ?? zeroTotals();
    sum.pollingAreasReported += row.pollingAreasReported;
    sum.pollingAreasExpected += row.pollingAreasExpected;
    sum.registeredVoters += row.registeredVoters;
    sum.votersVoted += row.votersVoted;
    sum.validBallots += row.validBallots;
    sum.invalidBallots += row.invalidBallots;
    sums.set(row.contestId, sum);
  }
  const rows = new Map(unitRows.map((u) => [`${u.contestId}|${u.unitId}`, u]));
  const contests = definition.contests.map((contest) => {
    const totals = totalsOf(sums.get(contest.contestId) ?? zeroTotals());
    const units = contest.electoralUnits.flatMap((u) => {
      const row = rows.get(`${contest.contestId}|${u.unitId}`);
      return row ? [unitResult(row, contest)] : [];
    });
    return {
      contestId: contest.contestId,
      name: contest.name,
      kind: contest.kind ?? null,
      ...totals,
      complete: totals.pollingAreasReported >= totals.pollingAreasExpected,
      unitsCertified: units.filter((u) => u.certified !== null).length,
      unitsTotal: units.length,
      units,
    };
  });
  const unitsTotal = contests.reduce((n, c) => n + c.unitsTotal, 0);
  const unitsCertified = contests.reduce((n, c) => n + c.unitsCertified, 0);
  return {
    electionId: definition.electionId,
    position,
    unitsCertified,
    unitsTotal,
    // Official: the record of every unit of every contest is certified.
    official: unitsTotal > 0 && unitsCertified === unitsTotal,
    contests,
  };
}

function zeroTotals(): Totals {
  return {
    pollingAreasReported: 0,
    pollingAreasExpected: 0,
    registeredVoters: 0,
    votersVoted: 0,
    validBallots: 0,
    invalidBallots: 0,
  };
}

function totalsOf(r: Totals): ResultTotals {
  return {
    pollingAreasReported: r.pollingAreasReported,
    pollingAreasExpected: r.pollingAreasExpected,
    registeredVoters: r.registeredVoters,
    votersVoted: r.votersVoted,
    turnout: ratio(r.votersVoted, r.registeredVoters),
    validBallots: r.validBallots,
    invalidBallots: r.invalidBallots,
  };
}

/** Art. 78–80 are decided by the domain on the reported sheets' figures; this only shapes the answer. */
export function unitResult(row: RmUnitResultEntity, contest: Contest | undefined): UnitResult {
  const totals = totalsOf(row);
  const outcome = decideUnitOutcome({
    kind: contest?.kind,
    seats: row.seats,
    registeredVoters: totals.registeredVoters,
    votersVoted: totals.votersVoted,
    validBallots: totals.validBallots,
    candidates: row.candidates,
  });
  return {
    unitId: row.unitId,
    name: row.name,
    seats: row.seats,
    ...totals,
    expectedRegisteredVoters: row.expectedRegisteredVoters,
    provisional: totals.pollingAreasReported < totals.pollingAreasExpected,
    status: outcome.status,
    outcome: outcome.outcome,
    outcomeReason: outcome.outcomeReason,
    seatsUnfilled: outcome.seatsUnfilled,
    certified: row.certification ? { ...row.certification } : null,
    unresolvedTie: outcome.unresolvedTie,
    candidates: outcome.candidates.map((c) => ({
      candidateId: c.candidateId,
      name: c.name,
      votes: c.votes,
      share: ratio(c.votes, totals.validBallots),
      elected: c.elected,
    })),
  };
}
