import {
  Candidate,
  combineRounds,
  Contest,
  ContestKind,
  decideUnitOutcome,
  ElectionDefinition,
  ElectoralUnit,
  UnitOutcome,
} from '@tally/domain';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import type { RmUnitResultEntity } from '../entities/rm-unit-result.entity';
import { ratio } from './read-snapshot';
import type {
  CityResults,
  CombinedUnitResult,
  DistrictContestResult,
  DistrictResult,
  ResultTotals,
  UnitResult,
  UnitRoundResult,
} from './results.shapes';

type Totals = Pick<
  RmDistrictResultEntity,
  | 'pollingAreasReported'
  | 'pollingAreasHeld'
  | 'pollingAreasUnverified'
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
  const units = unitResults(definition, unitRows);
  for (const [key, unit] of units) {
    const contestId = key.slice(0, key.indexOf('|'));
    for (const c of unit.candidates) if (c.elected) elected.add(`${contestId}|${c.candidateId}`);
  }
  const rowByKey = new Map(districtRows.map((r) => [`${r.districtId}|${r.contestId}`, r]));
  const candidatesOf = new Map(definition.contests.map((c) => [c.contestId, contestCandidates(c)]));
  return definition.districts
    .filter((d) => onlyDistrictId === undefined || d.districtId === onlyDistrictId)
    .map((district) => ({
      districtId: district.districtId,
      name: district.name,
      contests: definition.contests.flatMap((contest): DistrictContestResult[] => {
        const row = rowByKey.get(`${district.districtId}|${contest.contestId}`);
        if (!row) return [];
        const votes = row.candidateVotes;
        // The candidates the row counts, in the definition's order (units, then their candidates): looked up by the
        // row's own keys, so a district costs its candidates, not every candidate of a national contest.
        const byId = candidatesOf.get(contest.contestId)!;
        const counted = Object.keys(votes)
          .flatMap((id) => byId.get(id) ?? [])
          .sort((a, b) => a.order - b.order);
        const countedUnits = counted
          .filter((c, i) => i === 0 || counted[i - 1].unit !== c.unit)
          .map((c) => c.unit);
        return [
          {
            contestId: contest.contestId,
            name: contest.name,
            kind: contest.kind ?? null,
            ...totalsOf(row),
            candidates: counted.map(({ unit, candidate: c }) => ({
              candidateId: c.candidateId,
              unitId: unit.unitId,
              name: c.name,
              votes: votes[c.candidateId],
              share: ratio(votes[c.candidateId], row.validBallots),
              elected: elected.has(`${contest.contestId}|${c.candidateId}`),
            })),
            // The units with polling areas in the district: those whose candidates the row counts.
            units: countedUnits.flatMap((u) => {
              const unit = units.get(`${contest.contestId}|${u.unitId}`);
              if (!unit) return [];
              return [
                {
                  unitId: unit.unitId,
                  name: unit.name,
                  outcome: unit.outcome,
                  outcomeReason: unit.outcomeReason,
                  seatsUnfilled: unit.seatsUnfilled,
                  provisional: unit.provisional,
                  certified: unit.certified,
                  annulment: unit.annulment,
                  rounds: unit.rounds,
                  combined: unit.combined,
                },
              ];
            }),
          },
        ];
      }),
    }));
}

/** A contest's candidates by id (unique across a contest), with their unit and their place in the definition. */
function contestCandidates(
  contest: Contest,
): Map<string, { order: number; unit: ElectoralUnit; candidate: Candidate }> {
  const byId = new Map<string, { order: number; unit: ElectoralUnit; candidate: Candidate }>();
  for (const unit of contest.electoralUnits) {
    for (const candidate of unit.candidates) {
      if (!byId.has(candidate.candidateId))
        byId.set(candidate.candidateId, { order: byId.size, unit, candidate });
    }
  }
  return byId;
}

/** A unit row as the city-wide counts of certified units need it. */
export interface UnitCertificationState {
  contestId: string;
  unitId: string;
  certified: boolean;
}

/**
 * `?contest=`: the city answer of one contest. The rows given then need only be that contest's and its rounds'
 * (contestsShownWith), and `allUnits` every unit row of the election, for the city-wide counts of certified units.
 */
export interface OnlyContest {
  contestId: string;
  allUnits: readonly UnitCertificationState[];
}

/** The contests whose rows the answer of `contestId` alone needs: it and the rounds that follow up its units. */
export function contestsShownWith(definition: ElectionDefinition, contestId: string): string[] {
  return [contestId, ...definition.contests.filter((c) => c.round?.of === contestId).map((c) => c.contestId)];
}

/** Units of the definition with a row, and those of them certified: the city answer's `unitsTotal`, `unitsCertified`. */
function unitCounts(
  definition: ElectionDefinition,
  rows: readonly UnitCertificationState[],
): { unitsTotal: number; unitsCertified: number } {
  const certified = new Map(rows.map((r) => [`${r.contestId}|${r.unitId}`, r.certified]));
  let unitsTotal = 0;
  let unitsCertified = 0;
  for (const contest of definition.contests) {
    for (const unit of contest.electoralUnits) {
      const state = certified.get(`${contest.contestId}|${unit.unitId}`);
      if (state === undefined) continue;
      unitsTotal += 1;
      if (state) unitsCertified += 1;
    }
  }
  return { unitsTotal, unitsCertified };
}

/**
 * Contest totals are the sum of the district rows given, so they always equal the districts'. `only`: the contests
 * of the answer are that one alone (the city-wide fields stay those of every contest), and only its units are judged.
 */
export function buildCityResults(
  definition: ElectionDefinition,
  position: number,
  districtRows: RmDistrictResultEntity[],
  unitRows: RmUnitResultEntity[],
  only?: OnlyContest,
): CityResults {
  return cityResultsOf(definition, position, districtRows, unitResults(definition, unitRows), only);
}

/**
 * buildCityResults on units already judged (`results`, keyed `contestId|unitId`, as unitResults gives them): the live
 * feed judges again only the units its new events touched and keeps the others' results as they were.
 */
export function cityResultsOf(
  definition: ElectionDefinition,
  position: number,
  districtRows: readonly RmDistrictResultEntity[],
  results: ReadonlyMap<string, UnitResult>,
  only?: OnlyContest,
): CityResults {
  const sums = new Map<string, Totals>();
  for (const row of districtRows) {
    const sum = sums.get(row.contestId) ?? zeroTotals();
    sum.pollingAreasReported += row.pollingAreasReported;
    sum.pollingAreasHeld += row.pollingAreasHeld;
    sum.pollingAreasUnverified += row.pollingAreasUnverified;
    sum.pollingAreasExpected += row.pollingAreasExpected;
    sum.registeredVoters += row.registeredVoters;
    sum.votersVoted += row.votersVoted;
    sum.validBallots += row.validBallots;
    sum.invalidBallots += row.invalidBallots;
    sums.set(row.contestId, sum);
  }
  const shown = only
    ? definition.contests.filter((c) => c.contestId === only.contestId)
    : definition.contests;
  const contests = shown.map((contest) => {
    const totals = totalsOf(sums.get(contest.contestId) ?? zeroTotals());
    const units = contest.electoralUnits.flatMap((u) => {
      const unit = results.get(`${contest.contestId}|${u.unitId}`);
      return unit ? [unit] : [];
    });
    return {
      contestId: contest.contestId,
      name: contest.name,
      kind: contest.kind ?? null,
      round: contest.round ? { ...contest.round, units: [...contest.round.units] } : null,
      pollingDate: contest.pollingDate ?? definition.pollingDate,
      ...totals,
      complete: totals.pollingAreasReported >= totals.pollingAreasExpected,
      unitsCertified: units.filter((u) => u.certified !== null).length,
      unitsTotal: units.length,
      units,
    };
  });
  const { unitsTotal, unitsCertified } = only
    ? unitCounts(definition, only.allUnits)
    : {
        unitsTotal: contests.reduce((n, c) => n + c.unitsTotal, 0),
        unitsCertified: contests.reduce((n, c) => n + c.unitsCertified, 0),
      };
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
    pollingAreasHeld: 0,
    pollingAreasUnverified: 0,
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
    // Held sheets do not count until an admin releases them; unverified ones until their entries agree.
    pollingAreasHeld: r.pollingAreasHeld,
    pollingAreasUnverified: r.pollingAreasUnverified,
    pollingAreasExpected: r.pollingAreasExpected,
    registeredVoters: r.registeredVoters,
    votersVoted: r.votersVoted,
    turnout: ratio(r.votersVoted, r.registeredVoters),
    validBallots: r.validBallots,
    invalidBallots: r.invalidBallots,
  };
}

/**
 * Every unit's result keyed `contestId|unitId`, each with its follow-up rounds (the round contests whose `round.of`
 * and `round.units` name it, in definition order) and the outcome the law makes of them together (combineRounds).
 */
export function unitResults(
  definition: ElectionDefinition,
  unitRows: RmUnitResultEntity[],
): Map<string, UnitResult> {
  const contests = new Map(definition.contests.map((c) => [c.contestId, c]));
  // A round is judged by its original contest's kind.
  const kindOf = (contest: Contest | undefined): ContestKind | undefined =>
    contest?.kind ?? (contest?.round ? contests.get(contest.round.of)?.kind : undefined);
  const decided = new Map<string, { row: RmUnitResultEntity; outcome: UnitOutcome }>();
  for (const row of unitRows) {
    decided.set(`${row.contestId}|${row.unitId}`, {
      row,
      outcome: outcomeOf(row, kindOf(contests.get(row.contestId))),
    });
  }
  const results = new Map<string, UnitResult>();
  for (const [key, { row, outcome }] of decided) {
    const contest = contests.get(row.contestId);
    const rounds = definition.contests.flatMap((c) => {
      if (!c.round || c.round.of !== row.contestId || !c.round.units.includes(row.unitId)) return [];
      const found = decided.get(`${c.contestId}|${row.unitId}`);
      return found ? [{ contest: c, kind: c.round.kind, ...found }] : [];
    });
    const combined = combineRounds(
      { contestId: row.contestId, kind: kindOf(contest), seats: row.seats, outcome },
      rounds.map((r) => ({ contestId: r.contest.contestId, kind: r.kind, outcome: r.outcome })),
    );
    const roundResults: UnitRoundResult[] = rounds.map((r) => ({
      contestId: r.contest.contestId,
      name: r.contest.name,
      kind: r.kind,
      pollingDate: r.contest.pollingDate ?? definition.pollingDate,
      seats: r.row.seats,
      provisional: r.row.pollingAreasReported < r.row.pollingAreasExpected,
      outcome: r.outcome.outcome,
      outcomeReason: r.outcome.outcomeReason,
      seatsUnfilled: r.outcome.seatsUnfilled,
      elected: r.outcome.candidates.filter((c) => c.elected).map((c) => c.candidateId),
    }));
    const combinedResult: CombinedUnitResult = {
      outcome: combined.outcome,
      outcomeReason: combined.outcomeReason,
      seatsUnfilled: combined.seatsUnfilled,
      provisional:
        row.pollingAreasReported < row.pollingAreasExpected || roundResults.some((r) => r.provisional),
      decidedBy: combined.decidedBy,
      elected: combined.elected.map((w) => ({ ...w })),
    };
    results.set(key, { ...shapeUnit(row, outcome), rounds: roundResults, combined: combinedResult });
  }
  return results;
}

function outcomeOf(row: RmUnitResultEntity, kind: ContestKind | undefined): UnitOutcome {
  return decideUnitOutcome({
    kind,
    annulled: row.annulment !== null,
    seats: row.seats,
    registeredVoters: row.registeredVoters,
    votersVoted: row.votersVoted,
    validBallots: row.validBallots,
    candidates: row.candidates,
  });
}

/** Art. 78–80 are decided by the domain on the reported sheets' figures; this only shapes the answer. */
function shapeUnit(row: RmUnitResultEntity, outcome: UnitOutcome): Omit<UnitResult, 'rounds' | 'combined'> {
  const totals = totalsOf(row);
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
    annulment: row.annulment ? { ...row.annulment } : null,
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

/**
 * The ids of the units whose candidates the district rows count votes for: every unit buildDistrictResults shows
 * for those rows. Loading by id alone also brings a round's rows for the same unit (a round keeps the unit's id), and
 * any other contest's unit of that id, which changes nothing shown. One district's answer needs only these units
 * judged (the live query and time travel alike): a national night has ~12,600 units.
 */
export function unitsCountedIn(
  definition: ElectionDefinition,
  rows: readonly RmDistrictResultEntity[],
): string[] {
  const units = new Set<string>();
  for (const row of rows) {
    const contest = definition.contests.find((c) => c.contestId === row.contestId);
    for (const unit of contest?.electoralUnits ?? [])
      if (unit.candidates.some((c) => c.candidateId in row.candidateVotes)) units.add(unit.unitId);
  }
  return [...units];
}
