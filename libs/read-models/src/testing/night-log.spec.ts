import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { ProjectionLogger } from '../projection';
import { LiveTimelineProjection, TIMELINE_BUCKET_MS } from '../projections/live-timeline.projection';
import { ResultsProjection } from '../projections/results.projection';
import { TurnoutProjection } from '../projections/turnout.projection';
import { tallyEffect } from '@tally/domain';
import { electionNightLog } from './night-log';
import { ResultsQueries } from '../queries/results.queries';
import type { CityResults } from '../queries/results.shapes';
import { cityOf, foldResults, isElectionEvent } from '../time-travel/results-time-travel';

/** The batching property is only as good as its log: it must be one the projections mostly accept. */
describe('electionNightLog', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('night_log');
    ds = createReadModelDataSource(db.url, { poolSize: 2 });
    await runReadModelMigrations(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('is reproducible from its seed and spans many 10 s buckets in order', () => {
    const log = electionNightLog({ seed: 7, events: 2_500 });
    expect(electionNightLog({ seed: 7, events: 2_500 })).toEqual(log);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i));
    const times = log.map((e) => e.recordedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times.map((t) => Math.floor(t / TIMELINE_BUCKET_MS))).size).toBeGreaterThan(100);
  });

  it('holds sheets, corrections and reports the projections apply; only the odd facts are skipped', async () => {
    const log = electionNightLog({ seed: 12, events: 2_500 });
    const warnings: string[] = [];
    const logger: ProjectionLogger = {
      log: () => undefined,
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
    };
    await ds.transaction(async (m) => {
      for (const p of [
        new ResultsProjection(logger),
        new TurnoutProjection(logger),
        new LiveTimelineProjection(logger),
      ])
        await p.apply(log, m);
    });
    const sheets = new Set(log.filter((e) => e.type === 'TallySubmitted').map((e) => e.streamId));
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM rm_tally_sheets');
    expect(n).toBe(sheets.size);
    const corrections = log.filter((e) => e.type === 'TallyCorrected').length;
    const [{ c }] = await ds.query('SELECT sum(corrections)::int AS c FROM rm_tally_sheets');
    expect(c).toBe(corrections);
    const reports = log.filter((e) => e.type === 'TurnoutReported' && (e.data.votersVoted as number) >= 0);
    const [{ r }] = await ds.query('SELECT sum(jsonb_array_length(reports))::int AS r FROM rm_turnout_areas');
    expect(r).toBe(reports.filter((e) => e.data.electionId !== 'night-x').length);
    expect(corrections).toBeGreaterThan(300);
    // Scans change no count (the results skip them silently: no warning below names them).
    expect(log.filter((e) => e.type === 'TallyScanAttached').length).toBeGreaterThan(50);
    // Amendments of every election's definition, of several kinds, and the sheets after them fit the amended one.
    const amendments = log.filter((e) => e.type === 'ElectionAmended');
    const kinds = new Set(
      amendments.flatMap((e) => (e.data.changes as Array<{ type: string }>).map((c) => c.type)),
    );
    expect(amendments.length).toBeGreaterThan(10);
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    expect(new Set(amendments.map((e) => e.streamId)).size).toBe(3);
    // Follow-up rounds are added on the night, and their sheets counted like any contest's.
    const rounds = amendments.flatMap((e) =>
      (e.data.changes as Array<{ type: string; contest?: { contestId: string } }>)
        .filter((c) => c.type === 'addRound')
        .map((c) => c.contest!.contestId),
    );
    expect(rounds.length).toBeGreaterThan(1);
    const roundSheets = log.filter(
      (e) => e.type === 'TallySubmitted' && rounds.includes(e.data.contestId as string),
    );
    expect(roundSheets.length).toBeGreaterThan(0);
    expect(reports.length).toBeGreaterThan(500);
    // Each unit's last certification or revocation decides whether it is certified now.
    const lastOfUnit = new Map<string, string>();
    for (const e of log) {
      if (e.streamId.startsWith('unit-') && ['UnitCertified', 'UnitCertificationRevoked'].includes(e.type))
        lastOfUnit.set(e.streamId, e.type);
    }
    const certified = [...lastOfUnit].filter(
      ([id, type]) => type === 'UnitCertified' && !id.endsWith('.na-99'),
    );
    const [{ u }] = await ds.query(
      'SELECT count(*)::int AS u FROM rm_unit_results WHERE certification IS NOT NULL',
    );
    expect(u).toBe(certified.length);
    expect(certified.length).toBeGreaterThan(3);
    expect(log.filter((e) => e.type === 'UnitCertificationRevoked').length).toBeGreaterThan(3);
    // Double entry and review: every step happens, and each sheet stands where its last fact put it.
    for (const type of ['TallySecondEntryRecorded', 'TallyDiscrepancyResolved', 'TallyReviewed']) {
      expect(log.filter((e) => e.type === type).length).toBeGreaterThan(0);
    }
    const standings = new Map<string, string>();
    for (const e of log) {
      const effect = e.streamId.startsWith('tally-') ? tallyEffect(e.type, e.data) : undefined;
      if (effect && e.data.electionId !== 'night-x') standings.set(e.streamId, effect.standing);
    }
    const expected: Record<string, number> = {};
    for (const standing of standings.values()) expected[standing] = (expected[standing] ?? 0) + 1;
    const rows: Array<{ standing: string; n: number }> = await ds.query(
      'SELECT standing, count(*)::int AS n FROM rm_tally_sheets GROUP BY standing',
    );
    expect(Object.fromEntries(rows.map((x) => [x.standing, x.n]))).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual([
      'awaiting-second-entry',
      'correction-required',
      'counted',
      'discrepancy',
      'held',
    ]);
    const [{ held, unverified }] = await ds.query(
      `SELECT sum(polling_areas_held)::int AS held, sum(polling_areas_unverified)::int AS unverified
         FROM rm_unit_results`,
    );
    expect({ held, unverified }).toEqual({
      held: (expected.held ?? 0) + (expected['correction-required'] ?? 0),
      unverified: (expected['awaiting-second-entry'] ?? 0) + (expected.discrepancy ?? 0),
    });
    // Annulled once each, and the rows say so whatever came after.
    const annulled = new Set(log.filter((e) => e.type === 'UnitResultAnnulled').map((e) => e.streamId));
    const [{ a }] = await ds.query(
      'SELECT count(*)::int AS a FROM rm_unit_results WHERE annulment IS NOT NULL',
    );
    expect(a).toBe(annulled.size);
    expect(annulled.size).toBeGreaterThan(1);
    const reasons = new Set(warnings.map((w) => w.replace(/^.*: /, '')));
    expect([...reasons].sort()).toEqual([
      'malformed turnout report',
      'no unit row na/na-99',
      'unknown election',
      'unknown tally event type',
      'unknown unit event type',
    ]);
  });

  it('one district answers exactly as that district in the list of all: units, rounds and certification alike', async () => {
    const log = electionNightLog({ seed: 12, events: 2_500 });
    const projection = new ResultsProjection({
      log: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });
    await ds.transaction(async (m) => {
      await m.query(`TRUNCATE ${projection.tables.map((t) => `"${t}"`).join(', ')}`);
      await projection.apply(log, m);
    });
    const queries = new ResultsQueries(ds);
    const elections: Array<{ election_id: string }> = await ds.query('SELECT election_id FROM rm_elections');
    let compared = 0;
    let withRounds = 0;
    for (const { election_id: electionId } of elections) {
      const all = await queries.districtResults(electionId);
      for (const district of all!.districts) {
        const one = await queries.districtResult(electionId, district.districtId);
        expect(one).toEqual({ electionId, position: all!.position, ...district });
        compared += 1;
        if (district.contests.some((c) => c.units.some((u) => u.rounds.length > 0))) withRounds += 1;
      }
    }
    expect(compared).toBeGreaterThan(5);
    expect(withRounds).toBeGreaterThan(0);
  });

  it('the city answer of one contest is that contest of the whole answer, with the city-wide counts, live and folded', async () => {
    const log = electionNightLog({ seed: 12, events: 2_500 });
    const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
    const projection = new ResultsProjection(silent);
    await ds.transaction(async (m) => {
      await m.query(`TRUNCATE ${projection.tables.map((t) => `"${t}"`).join(', ')}`);
      await projection.apply(log, m);
    });
    const queries = new ResultsQueries(ds);
    const elections: Array<{ election_id: string }> = await ds.query('SELECT election_id FROM rm_elections');
    const last = log[log.length - 1].position;
    let compared = 0;
    let withRounds = 0;
    let certified = 0;
    for (const { election_id: electionId } of elections) {
      const all = (await queries.cityResults(electionId))!;
      const folded = foldResults(
        electionId,
        last,
        log.filter((e) => isElectionEvent(electionId, e.streamId)),
        silent,
      )!;
      // Applied without a runner, the live rows have no checkpoint: the positions differ, nothing else.
      const at = (city: CityResults) => ({ ...city, position: all.position });
      expect(at(cityOf(folded))).toEqual(all);
      certified += all.unitsCertified;
      for (const contest of folded.definition.contests) {
        const expected = { ...all, contests: all.contests.filter((c) => c.contestId === contest.contestId) };
        expect(await queries.cityResults(electionId, contest.contestId)).toEqual(expected);
        expect(at(cityOf(folded, contest.contestId))).toEqual(expected);
        compared += 1;
        if (expected.contests[0].units.some((u) => u.rounds.length > 0)) withRounds += 1;
      }
    }
    expect(compared).toBeGreaterThan(5);
    expect(withRounds).toBeGreaterThan(0);
    expect(certified).toBeGreaterThan(0);
  });
});
