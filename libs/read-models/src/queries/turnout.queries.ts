import type { EntityManager } from 'typeorm';
import { TurnoutProjection } from '../projections/turnout.projection';
import { checkpointPosition, ratio, readSnapshot } from './read-snapshot';
import type { ReadDatabase } from './read-router';
import type {
  ElectionListItem,
  TimelinePoint,
  TurnoutAtTime,
  TurnoutFigures,
  TurnoutView,
} from './turnout.shapes';

type Row = Record<string, unknown>;

/** At most this many timeline points are returned; a longer timeline is thinned evenly, keeping the newest point. */
export const MAX_TIMELINE_POINTS = 240;

/** Turnout per district and city, the live timeline and the list of elections. */
export class TurnoutQueries {
  constructor(private readonly dataSource: ReadDatabase) {}

  /** Null when the election is unknown to the turnout read model. */
  async turnout(electionId: string): Promise<TurnoutView | null> {
    return readSnapshot(this.dataSource, (manager) => this.turnoutIn(manager, electionId));
  }

  /** Oldest first, at most MAX_TIMELINE_POINTS. */
  async timeline(electionId: string): Promise<TimelinePoint[]> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT position, at, turnout, reporting FROM rm_live_timeline WHERE election_id = $1 ORDER BY bucket',
      [electionId],
    );
    return thin(rows.map(toPoint), MAX_TIMELINE_POINTS);
  }

  /** The timeline points recorded after `position`, oldest first. */
  async timelineAfter(electionId: string, position: number): Promise<TimelinePoint[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT position, at, turnout, reporting FROM rm_live_timeline
       WHERE election_id = $1 AND position > $2 ORDER BY bucket`,
      [electionId, position],
    );
    return rows.map(toPoint);
  }

  /** Positions of the newest corrections of the election at or before `upTo` (audit trail), newest first. */
  async latestCorrectionPositions(electionId: string, upTo: number, limit: number): Promise<number[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT position FROM rm_audit_entries
       WHERE election_id = $1 AND type = 'TallyCorrected' AND position <= $2 ORDER BY position DESC LIMIT $3`,
      [electionId, upTo, limit],
    );
    return rows.map((r) => Number(r.position));
  }

  /** Corrections per district up to `upTo`, every one of them (districts without corrections are left out). */
  async correctionsByDistrict(electionId: string, upTo: number): Promise<Record<string, number>> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT district_id, count(*) AS n FROM rm_audit_entries
       WHERE election_id = $1 AND type = 'TallyCorrected' AND position <= $2 AND district_id IS NOT NULL
       GROUP BY district_id`,
      [electionId, upTo],
    );
    return Object.fromEntries(rows.map((r) => [r.district_id as string, Number(r.n)]));
  }

  /** Every election the read models know (from the results projection's rows), newest polling date first. */
  async elections(): Promise<ElectionListItem[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT election_id, name, to_char(polling_date, 'YYYY-MM-DD') AS polling_date, position
       FROM rm_elections ORDER BY polling_date DESC, position DESC`,
    );
    return rows.map((r) => ({
      electionId: r.election_id as string,
      name: r.name as string,
      pollingDate: r.polling_date as string,
      position: Number(r.position),
    }));
  }

  async turnoutIn(manager: EntityManager, electionId: string): Promise<TurnoutView | null> {
    const [election]: Row[] = await manager.query(
      'SELECT * FROM rm_turnout_elections WHERE election_id = $1',
      [electionId],
    );
    if (!election) return null;
    const position = await checkpointPosition(manager, TurnoutProjection.NAME);
    const times = election.reporting_times as string[];
    const districts: Row[] = await manager.query(
      'SELECT * FROM rm_turnout_districts WHERE election_id = $1 ORDER BY ordinal',
      [electionId],
    );
    const latest: Row[] = await manager.query(
      `SELECT district_id, COUNT(*) AS reported, SUM(latest_voters_voted) AS voted,
              COUNT(*) FILTER (WHERE latest_voters_voted >= registered_voters) AS complete
       FROM rm_turnout_areas WHERE election_id = $1 GROUP BY district_id`,
      [electionId],
    );
    const byTime: Row[] = await manager.query(
      `SELECT a.district_id, t.idx, SUM(t.v::bigint) AS voted, COUNT(t.v) AS reported
       FROM rm_turnout_areas a
       CROSS JOIN LATERAL jsonb_array_elements_text(a.at_times) WITH ORDINALITY AS t(v, idx)
       WHERE a.election_id = $1 GROUP BY a.district_id, t.idx`,
      [electionId],
    );
    const latestOf = new Map(latest.map((r) => [r.district_id as string, r]));
    const timeOf = new Map(byTime.map((r) => [`${r.district_id as string}|${Number(r.idx) - 1}`, r]));

    const figures = (districtIds: string[], registeredVoters: number, expected: number): TurnoutFigures => {
      const sum = (rows: Array<Row | undefined>, field: string) =>
        rows.reduce((total, r) => total + Number(r?.[field] ?? 0), 0);
      const latestRows = districtIds.map((d) => latestOf.get(d));
      const votersVoted = sum(latestRows, 'voted');
      return {
        registeredVoters,
        pollingAreasExpected: expected,
        latest: {
          votersVoted,
          turnout: ratio(votersVoted, registeredVoters),
          pollingAreasReported: sum(latestRows, 'reported'),
          pollingAreasComplete: sum(latestRows, 'complete'),
        },
        byReportingTime: times.map((at, i): TurnoutAtTime => {
          const rows = districtIds.map((d) => timeOf.get(`${d}|${i}`));
          const voted = sum(rows, 'voted');
          return {
            at,
            votersVoted: voted,
            turnout: ratio(voted, registeredVoters),
            pollingAreasReported: sum(rows, 'reported'),
          };
        }),
      };
    };

    return {
      electionId,
      position,
      city: figures(
        districts.map((d) => d.district_id as string),
        Number(election.registered_voters),
        Number(election.polling_areas_expected),
      ),
      districts: districts.map((d) => ({
        districtId: d.district_id as string,
        name: d.name as string,
        ...figures([d.district_id as string], Number(d.registered_voters), Number(d.polling_areas_expected)),
      })),
    };
  }
}

function toPoint(r: Row): TimelinePoint {
  return {
    at: new Date(r.at as string).toISOString(),
    position: Number(r.position),
    turnout: Number(r.turnout),
    reporting: r.reporting as Record<string, number>,
  };
}

function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const kept: T[] = [];
  for (let i = 0; i < max - 1; i++) kept.push(points[Math.floor(i * step)]);
  kept.push(points[points.length - 1]);
  return kept;
}
