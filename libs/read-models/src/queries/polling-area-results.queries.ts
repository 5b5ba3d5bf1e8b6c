import type { QueryRunner } from 'typeorm';
import type { ReadDatabase } from './read-router';
import { ElectionDefinition, ElectionIndex, SheetStanding, TallyCounts } from '@tally/domain';
import {
  PollingAreaResultRow,
  PollingAreaResultsProjection,
  toPollingAreaRow,
} from '../projections/polling-area-results.projection';
import { checkpointPosition } from './read-snapshot';

/** One polling area in one contest, reported or not, as the open-data exports list it. */
export interface OpenDataRow {
  electionId: string;
  contestId: string;
  unitId: string;
  districtId: string;
  pollingAreaId: string;
  pollingAreaName: string | null;
  /** A sheet recorded but not counted (held, awaiting its second entry, in discrepancy) has its standing. */
  status: 'submitted' | 'corrected' | 'not-reported' | Exclude<SheetStanding, 'unreported' | 'counted'>;
  revision: number | null;
  position: number | null;
  eventHash: string | null;
  scanDigest: string | null;
  /** Null while not reported. */
  counts: TallyCounts | null;
  /** The unit's candidates, in the definition's order. */
  candidateIds: string[];
}

/** An open snapshot of one election's sheets; rows() streams them, close() ends it (rows() closes when done). */
export interface OpenDataCursor {
  electionId: string;
  definition: ElectionDefinition;
  index: ElectionIndex;
  /** The polling-area-results projection's checkpoint in this snapshot: every row reflects the log up to it. */
  position: number;
  rows(): AsyncGenerator<OpenDataRow>;
  close(): Promise<void>;
}

const CHUNK = 1000;

/**
 * The sheets of an election for the exports, in the definition's order (contest, electoral unit, polling area),
 * one row per polling area and contest including those that have not reported. Read in one REPEATABLE READ snapshot,
 * chunk by chunk, so 85,000 polling areas stream with bounded memory and every row reflects the same position.
 */
export class PollingAreaResultsQueries {
  /** Parsed definitions by election, kept while rm_elections.position says the definition is the same. */
  private readonly definitions = new Map<string, { position: number; index: ElectionIndex }>();

  constructor(private readonly dataSource: ReadDatabase) {}

  /** Null when the read models do not know the election. */
  async open(electionId: string): Promise<OpenDataCursor | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = true;
    const close = async (commit: boolean) => {
      if (!open) return;
      open = false;
      await runner.query(commit ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
      await runner.release();
    };
    try {
      await runner.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const index = await this.index(runner, electionId);
      if (!index) {
        await close(false);
        return null;
      }
      const position = await checkpointPosition(runner.manager, PollingAreaResultsProjection.NAME);
      return {
        electionId,
        definition: index.definition,
        index,
        position,
        rows: () => this.rows(runner, index, () => close(true)),
        close: () => close(true),
      };
    } catch (error) {
      await close(false);
      throw error;
    }
  }

  private async *rows(
    runner: QueryRunner,
    index: ElectionIndex,
    close: () => Promise<void>,
  ): AsyncGenerator<OpenDataRow> {
    const electionId = index.electionId;
    try {
      for (const contest of index.definition.contests) {
        for (const unit of contest.electoralUnits) {
          const areaIds = index.pollingAreasOfUnit(contest.contestId, unit.unitId);
          const candidateIds = unit.candidates.map((c) => c.candidateId);
          for (let i = 0; i < areaIds.length; i += CHUNK) {
            const chunk = areaIds.slice(i, i + CHUNK);
            const found: Array<Record<string, unknown>> = await runner.query(
              `SELECT * FROM rm_polling_area_results
               WHERE election_id = $1 AND contest_id = $2 AND polling_area_id = ANY($3::text[])`,
              [electionId, contest.contestId, chunk],
            );
            const byArea = new Map<string, PollingAreaResultRow>(
              found.map((r) => [r.polling_area_id as string, toPollingAreaRow(r)]),
            );
            for (const pollingAreaId of chunk) {
              const sheet = byArea.get(pollingAreaId);
              const area = index.pollingArea(pollingAreaId);
              yield {
                electionId,
                contestId: contest.contestId,
                unitId: sheet?.unitId ?? unit.unitId,
                districtId: sheet?.districtId ?? area?.districtId ?? '',
                pollingAreaId,
                pollingAreaName: area?.name ?? null,
                status: !sheet
                  ? 'not-reported'
                  : sheet.standing === 'counted'
                    ? sheet.status
                    : sheet.standing,
                revision: sheet?.revision ?? null,
                position: sheet?.position ?? null,
                eventHash: sheet?.eventHash ?? null,
                scanDigest: sheet?.scanDigest ?? null,
                // Only counted figures are published: the others may still change before they count.
                counts: sheet?.standing === 'counted' ? sheet.counts : null,
                candidateIds,
              };
            }
          }
        }
      }
    } finally {
      await close();
    }
  }

  private async index(runner: QueryRunner, electionId: string): Promise<ElectionIndex | null> {
    const rows: Array<{ position: string }> = await runner.query(
      'SELECT position FROM rm_elections WHERE election_id = $1',
      [electionId],
    );
    if (rows.length === 0) return null;
    const position = Number(rows[0].position);
    const known = this.definitions.get(electionId);
    if (known && known.position === position) return known.index;
    const [{ definition }] = await runner.query(
      'SELECT definition FROM rm_elections WHERE election_id = $1',
      [electionId],
    );
    const index = new ElectionIndex(definition as ElectionDefinition);
    this.definitions.set(electionId, { position, index });
    return index;
  }
}
