import type { DataSource, EntityManager } from 'typeorm';
import { decideUnitOutcome, ElectionDefinition } from '@tally/domain';
import type { UnitCandidateRow } from '../entities/rm-unit-result.entity';
import { ResultsProjection } from '../projections/results.projection';
import { checkpointPosition, ratio, readSnapshot } from './read-snapshot';
import type {
  CityResults,
  DistrictContestResult,
  DistrictResult,
  DistrictResults,
  ResultTotals,
  SingleDistrictResult,
  UnitResult,
} from './results.shapes';

type Row = Record<string, unknown>;

/** District and city results. Each method returns null when the election is unknown to the read model. */
export class ResultsQueries {
  /** Definitions never change once defined (ElectionDefined is the only event of its stream): parsed once. */
  private readonly definitions = new Map<string, ElectionDefinition>();

  constructor(private readonly dataSource: DataSource) {}

  async districtResults(electionId: string): Promise<DistrictResults | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const snapshot = await this.loadDistricts(manager, electionId);
      if (!snapshot) return null;
      return { electionId, position: snapshot.position, districts: snapshot.districts };
    });
  }

  /** Null when the election or the district is unknown. */
  async districtResult(electionId: string, districtId: string): Promise<SingleDistrictResult | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const snapshot = await this.loadDistricts(manager, electionId, districtId);
      const district = snapshot?.districts[0];
      if (!snapshot || !district) return null;
      return { electionId, position: snapshot.position, ...district };
    });
  }

  async cityResults(electionId: string): Promise<CityResults | null> {
    return readSnapshot(this.dataSource, async (manager) => {
      const definition = await this.definition(manager, electionId);
      if (!definition) return null;
      const position = await checkpointPosition(manager, ResultsProjection.NAME);
      // Contest totals are the sum of the district rows of this same snapshot, so they always equal the districts'.
      const sums: Row[] = await manager.query(
        `SELECT contest_id,
                SUM(polling_areas_reported) AS polling_areas_reported,
                SUM(polling_areas_expected) AS polling_areas_expected,
                SUM(registered_voters) AS registered_voters, SUM(voters_voted) AS voters_voted,
                SUM(valid_ballots) AS valid_ballots, SUM(invalid_ballots) AS invalid_ballots
         FROM rm_district_results WHERE election_id = $1 GROUP BY contest_id`,
        [electionId],
      );
      const units = await loadUnits(manager, electionId);
      const sumByContest = new Map(sums.map((r) => [r.contest_id as string, totalsOf(r)]));
      return {
        electionId,
        position,
        contests: definition.contests.map((contest) => {
          const totals = sumByContest.get(contest.contestId) ?? totalsOf({});
          return {
            contestId: contest.contestId,
            name: contest.name,
            ...totals,
            complete: totals.pollingAreasReported >= totals.pollingAreasExpected,
            units: contest.electoralUnits.flatMap((u) => {
              const row = units.get(`${contest.contestId}|${u.unitId}`);
              return row ? [unitResult(row)] : [];
            }),
          };
        }),
      };
    });
  }

  /** The definition is large (every polling area): only its presence is read again, in the caller's snapshot. */
  private async definition(manager: EntityManager, electionId: string): Promise<ElectionDefinition | null> {
    const known = this.definitions.get(electionId);
    if (known) {
      const rows: Row[] = await manager.query('SELECT 1 FROM rm_elections WHERE election_id = $1', [
        electionId,
      ]);
      return rows.length > 0 ? known : null;
    }
    const definition = await loadDefinition(manager, electionId);
    if (definition) this.definitions.set(electionId, definition);
    return definition;
  }

  private async loadDistricts(
    manager: EntityManager,
    electionId: string,
    onlyDistrictId?: string,
  ): Promise<{ position: number; districts: DistrictResult[] } | null> {
    const definition = await this.definition(manager, electionId);
    if (!definition) return null;
    const position = await checkpointPosition(manager, ResultsProjection.NAME);
    const rows: Row[] = await manager.query(
      `SELECT * FROM rm_district_results WHERE election_id = $1 AND ($2::text IS NULL OR district_id = $2)`,
      [electionId, onlyDistrictId ?? null],
    );
    const units = await loadUnits(manager, electionId);
    const elected = new Set<string>();
    for (const unit of units.values()) {
      for (const c of unitResult(unit).candidates)
        if (c.elected) elected.add(`${unit.contest_id}|${c.candidateId}`);
    }
    const rowByKey = new Map(rows.map((r) => [`${r.district_id}|${r.contest_id}`, r]));

    const districts = definition.districts
      .filter((d) => onlyDistrictId === undefined || d.districtId === onlyDistrictId)
      .map((district) => ({
        districtId: district.districtId,
        name: district.name,
        contests: definition.contests.flatMap((contest): DistrictContestResult[] => {
          const row = rowByKey.get(`${district.districtId}|${contest.contestId}`);
          if (!row) return [];
          const votes = row.candidate_votes as Record<string, number>;
          const validBallots = Number(row.valid_ballots);
          return [
            {
              contestId: contest.contestId,
              name: contest.name,
              ...totalsOf(row),
              candidates: contest.electoralUnits.flatMap((unit) =>
                unit.candidates
                  .filter((c) => c.candidateId in votes)
                  .map((c) => ({
                    candidateId: c.candidateId,
                    unitId: unit.unitId,
                    name: c.name,
                    votes: votes[c.candidateId],
                    share: ratio(votes[c.candidateId], validBallots),
                    elected: elected.has(`${contest.contestId}|${c.candidateId}`),
                  })),
              ),
            },
          ];
        }),
      }));
    return { position, districts };
  }
}

async function loadDefinition(
  manager: EntityManager,
  electionId: string,
): Promise<ElectionDefinition | null> {
  const rows: Row[] = await manager.query('SELECT definition FROM rm_elections WHERE election_id = $1', [
    electionId,
  ]);
  return rows.length > 0 ? (rows[0].definition as ElectionDefinition) : null;
}

async function loadUnits(manager: EntityManager, electionId: string): Promise<Map<string, Row>> {
  const rows: Row[] = await manager.query('SELECT * FROM rm_unit_results WHERE election_id = $1', [
    electionId,
  ]);
  return new Map(rows.map((r) => [`${r.contest_id}|${r.unit_id}`, r]));
}

function totalsOf(r: Row): ResultTotals {
  const registeredVoters = Number(r.registered_voters ?? 0);
  const votersVoted = Number(r.voters_voted ?? 0);
  return {
    pollingAreasReported: Number(r.polling_areas_reported ?? 0),
    pollingAreasExpected: Number(r.polling_areas_expected ?? 0),
    registeredVoters,
    votersVoted,
    turnout: ratio(votersVoted, registeredVoters),
    validBallots: Number(r.valid_ballots ?? 0),
    invalidBallots: Number(r.invalid_ballots ?? 0),
  };
}

/** Art. 78 is decided by the domain on the reported sheets' figures; this only shapes the answer. */
function unitResult(row: Row): UnitResult {
  const totals = totalsOf(row);
  const candidates = row.candidates as UnitCandidateRow[];
  const seats = Number(row.seats);
  const outcome = decideUnitOutcome({
    seats,
    registeredVoters: totals.registeredVoters,
    votersVoted: totals.votersVoted,
    validBallots: totals.validBallots,
    candidates,
  });
  return {
    unitId: row.unit_id as string,
    name: row.name as string,
    seats,
    ...totals,
    expectedRegisteredVoters: Number(row.expected_registered_voters),
    provisional: totals.pollingAreasReported < totals.pollingAreasExpected,
    status: outcome.status,
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
