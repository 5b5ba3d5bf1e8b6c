import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import { SheetStanding, TALLY_STREAM_PREFIX, TallyCounts, tallyEffect } from '@tally/domain';
import { consoleLogger, Projection, ProjectionLogger } from '../projection';
import { asCounts, asPlacement } from './fact-shapes';
import { upsert } from './upsert';

/** The current sheet of one polling area and contest, as the open-data exports list it. */
export interface PollingAreaResultRow {
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  unitId: string;
  counts: TallyCounts;
  status: 'submitted' | 'corrected';
  /** Whether the counts are in the totals; a sheet held, awaiting its second entry or in discrepancy is not. */
  standing: Exclude<SheetStanding, 'unreported'>;
  /** Stream revision of the last event applied (a scan moves it): the sheet's ETag. */
  revision: number;
  /** Stream revision of the event that set the counts. */
  countsRevision: number;
  corrections: number;
  /** Global position of the last event applied. */
  position: number;
  /** The chain hash of that event (its metadata.hash): what an export's line for it must carry. */
  eventHash: string | null;
  /** The latest scan's SHA-256, null before one is attached. */
  scanDigest: string | null;
  scans: number;
}

const key = (electionId: string, pollingAreaId: string, contestId: string) =>
  `${electionId}|${pollingAreaId}|${contestId}`;

/**
 * One row per sheet (polling area × contest): its current counts, status, revision and position, the hash of its
 * last event and its latest scan. A single-stream view: each row is the fold of its own stream, and an event at or
 * below the row's revision is skipped, so any batching, and a batch delivered twice, give the same rows.
 */
export class PollingAreaResultsProjection implements Projection {
  static readonly NAME = 'polling-area-results';
  readonly name: string = PollingAreaResultsProjection.NAME;
  /** 2: a sheet's standing (double entry, review). */
  readonly version: number = 2;
  readonly tables = ['rm_polling_area_results'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const relevant = events.filter((e) => e.streamId.startsWith(TALLY_STREAM_PREFIX));
    if (relevant.length === 0) return;
    const rows = await this.load(relevant, manager);
    const dirty = new Set<string>();
    for (const event of relevant) {
      const placement = asPlacement(event.data);
      if (!placement) {
        this.skip(event, 'malformed placement');
        continue;
      }
      const k = key(placement.electionId, placement.pollingAreaId, placement.contestId);
      const next = this.fold(rows.get(k), event);
      if (next !== rows.get(k)) {
        rows.set(k, next!);
        dirty.add(k);
      }
    }
    await upsert(
      manager,
      'rm_polling_area_results',
      ['election_id', 'polling_area_id', 'contest_id'],
      COLUMNS,
      [...dirty].map((k) => toColumns(rows.get(k)!)),
    );
  }

  /** The row after one event; the same row object when the event changes nothing (old, unknown, malformed). */
  fold(row: PollingAreaResultRow | undefined, event: StoredEvent): PollingAreaResultRow | undefined {
    if (row && row.revision >= event.revision) return row;
    const placement = asPlacement(event.data)!;
    const chain = {
      revision: event.revision,
      position: event.position,
      eventHash: typeof event.metadata?.hash === 'string' ? event.metadata.hash : null,
    };
    switch (event.type) {
      case 'TallySubmitted':
      case 'TallyCorrected':
      case 'TallySecondEntryRecorded':
      case 'TallyDiscrepancyResolved':
      case 'TallyReviewed': {
        const effect = tallyEffect(event.type, event.data)!;
        const counts = effect.counts === undefined ? row?.counts : asCounts(effect.counts);
        if (!counts) {
          this.skip(event, 'malformed counts');
          return row;
        }
        const corrected = event.type === 'TallyCorrected';
        return {
          electionId: placement.electionId,
          pollingAreaId: placement.pollingAreaId,
          contestId: placement.contestId,
          districtId: placement.districtId,
          unitId: placement.unitId,
          counts,
          status: corrected || row?.status === 'corrected' ? 'corrected' : 'submitted',
          standing: effect.standing,
          countsRevision: effect.counts === undefined && row ? row.countsRevision : event.revision,
          corrections: (row?.corrections ?? 0) + (corrected ? 1 : 0),
          scanDigest: row?.scanDigest ?? null,
          scans: row?.scans ?? 0,
          ...chain,
        };
      }
      case 'TallyScanAttached': {
        const digest = event.data.digest;
        if (!row || typeof digest !== 'string') {
          this.skip(event, row ? 'malformed digest' : 'a scan before any sheet');
          return row;
        }
        return { ...row, scanDigest: digest, scans: row.scans + 1, ...chain };
      }
      default:
        this.skip(event, 'unknown tally event type');
        return row;
    }
  }

  private async load(
    events: StoredEvent[],
    manager: EntityManager,
  ): Promise<Map<string, PollingAreaResultRow>> {
    const keys = new Map<string, [string, string, string]>();
    for (const event of events) {
      const p = asPlacement(event.data);
      if (p)
        keys.set(key(p.electionId, p.pollingAreaId, p.contestId), [
          p.electionId,
          p.pollingAreaId,
          p.contestId,
        ]);
    }
    const triples = [...keys.values()];
    const found: Array<Record<string, unknown>> = await manager.query(
      `SELECT r.* FROM rm_polling_area_results r
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(e, a, c)
         ON r.election_id = k.e AND r.polling_area_id = k.a AND r.contest_id = k.c`,
      [triples.map((t) => t[0]), triples.map((t) => t[1]), triples.map((t) => t[2])],
    );
    const rows = new Map<string, PollingAreaResultRow>();
    for (const r of found) {
      const row = toPollingAreaRow(r);
      rows.set(key(row.electionId, row.pollingAreaId, row.contestId), row);
    }
    return rows;
  }

  private skip(event: StoredEvent, why: string): void {
    this.logger.warn(
      `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): ${why}`,
    );
  }
}

const COLUMNS = {
  election_id: 'text',
  polling_area_id: 'text',
  contest_id: 'text',
  district_id: 'text',
  unit_id: 'text',
  counts: 'jsonb',
  status: 'text',
  standing: 'text',
  revision: 'integer',
  counts_revision: 'integer',
  corrections: 'integer',
  position: 'bigint',
  event_hash: 'text',
  scan_digest: 'text',
  scans: 'integer',
};

function toColumns(row: PollingAreaResultRow): object {
  return {
    election_id: row.electionId,
    polling_area_id: row.pollingAreaId,
    contest_id: row.contestId,
    district_id: row.districtId,
    unit_id: row.unitId,
    counts: row.counts,
    status: row.status,
    standing: row.standing,
    revision: row.revision,
    counts_revision: row.countsRevision,
    corrections: row.corrections,
    position: row.position,
    event_hash: row.eventHash,
    scan_digest: row.scanDigest,
    scans: row.scans,
  };
}

export function toPollingAreaRow(r: Record<string, unknown>): PollingAreaResultRow {
  return {
    electionId: r.election_id as string,
    pollingAreaId: r.polling_area_id as string,
    contestId: r.contest_id as string,
    districtId: r.district_id as string,
    unitId: r.unit_id as string,
    counts: r.counts as TallyCounts,
    status: r.status as PollingAreaResultRow['status'],
    standing: (r.standing ?? 'counted') as PollingAreaResultRow['standing'],
    revision: Number(r.revision),
    countsRevision: Number(r.counts_revision),
    corrections: Number(r.corrections),
    position: Number(r.position),
    eventHash: (r.event_hash as string | null) ?? null,
    scanDigest: (r.scan_digest as string | null) ?? null,
    scans: Number(r.scans),
  };
}
