import type { AmendmentFootprint, OnRecord } from '@tally/domain';
import type { ReadDatabase } from './read-router';
import { readSnapshot } from './read-snapshot';

type Row = Record<string, unknown>;

/**
 * What the read models hold about the polling areas and units an amendment touches (the decider's OnRecord): the
 * stored sheets of those areas with where they were counted, the sheets and votes of those units, which of the
 * areas reported turnout, and which of the units are certified. One snapshot of the results and turnout rows. The caller makes sure the read models have
 * applied every stored event of the election first, and reads the primary.
 */
export class OnRecordQueries {
  constructor(private readonly dataSource: ReadDatabase) {}

  async read(electionId: string, footprint: AmendmentFootprint): Promise<OnRecord> {
    const { pollingAreaIds, units } = footprint;
    return readSnapshot(this.dataSource, async (manager) => {
      const sheets: Row[] =
        pollingAreaIds.length === 0
          ? []
          : await manager.query(
              `SELECT polling_area_id, contest_id, district_id, unit_id FROM rm_tally_sheets
               WHERE election_id = $1 AND polling_area_id = ANY($2::text[])
               ORDER BY polling_area_id, contest_id`,
              [electionId, pollingAreaIds],
            );
      const unitRows: Row[] =
        units.length === 0
          ? []
          : await manager.query(
              `SELECT t.contest_id, t.unit_id, t.polling_areas_reported, t.candidates FROM rm_unit_results t
               JOIN unnest($2::text[], $3::text[]) AS k(c, u) ON t.contest_id = k.c AND t.unit_id = k.u
               WHERE t.election_id = $1 AND t.polling_areas_reported > 0
               ORDER BY t.contest_id, t.unit_id`,
              [electionId, units.map((u) => u.contestId), units.map((u) => u.unitId)],
            );
      const certified: Row[] =
        units.length === 0
          ? []
          : await manager.query(
              `SELECT t.contest_id, t.unit_id FROM rm_unit_results t
               JOIN unnest($2::text[], $3::text[]) AS k(c, u) ON t.contest_id = k.c AND t.unit_id = k.u
               WHERE t.election_id = $1 AND jsonb_typeof(t.certification) = 'object'
               ORDER BY t.contest_id, t.unit_id`,
              [electionId, units.map((u) => u.contestId), units.map((u) => u.unitId)],
            );
      const turnout: Row[] =
        pollingAreaIds.length === 0
          ? []
          : await manager.query(
              `SELECT polling_area_id FROM rm_turnout_areas
               WHERE election_id = $1 AND polling_area_id = ANY($2::text[]) ORDER BY polling_area_id`,
              [electionId, pollingAreaIds],
            );
      return {
        sheets: sheets.map((r) => ({
          pollingAreaId: r.polling_area_id as string,
          contestId: r.contest_id as string,
          districtId: r.district_id as string,
          unitId: r.unit_id as string,
        })),
        units: unitRows.map((r) => ({
          contestId: r.contest_id as string,
          unitId: r.unit_id as string,
          sheets: Number(r.polling_areas_reported),
          candidateVotes: Object.fromEntries(
            (r.candidates as Array<{ candidateId: string; votes: number }>).map((c) => [
              c.candidateId,
              c.votes,
            ]),
          ),
        })),
        turnoutReported: turnout.map((r) => r.polling_area_id as string),
        certifiedUnits: certified.map((r) => ({
          contestId: r.contest_id as string,
          unitId: r.unit_id as string,
        })),
      };
    });
  }
}
