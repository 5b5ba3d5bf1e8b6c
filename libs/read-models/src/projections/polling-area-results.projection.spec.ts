import { randomUUID } from 'node:crypto';
import { tallyStreamId } from '@tally/domain';
import type { StoredEvent } from '@tally/event-store';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import type { ProjectionLogger } from '../projection';
import { counts, facts, MemoryLog, place, SheetPlace, smallElection } from '../testing/read-model-fixtures';
import { PollingAreaResultsProjection } from './polling-area-results.projection';

const E = 'hn-test';
const baDinh1 = place('ba-dinh-0001', 'ba-dinh');

function scanAttached(where: SheetPlace, digest: string, countsRevision: number) {
  return {
    streamId: tallyStreamId(E, where.pollingAreaId, where.contestId),
    event: {
      eventId: randomUUID(),
      type: 'TallyScanAttached',
      data: {
        electionId: E,
        ...where,
        digest,
        size: 1234,
        contentType: 'image/jpeg',
        countsRevision,
        attachedAt: '2021-05-23T21:00:00.000Z',
      } as never,
      metadata: {
        actor: { id: 'officer-1' },
        correlationId: 'c',
        causationId: 'c',
        requestId: 'r',
        schemaVersion: 1,
      },
    },
  };
}

/** A night: three sheets, a scan, a correction, a second scan; every event carries a distinct chain hash. */
function night(): StoredEvent[] {
  const log = new MemoryLog();
  log.add(facts.electionDefined(smallElection(E)));
  const first = counts(1000, 980, 960, 20, { 'na-01-1': 700, 'na-01-2': 500 });
  log.add(facts.tallySubmitted(E, baDinh1, first));
  log.add(
    facts.tallySubmitted(E, place('ba-dinh-0002', 'ba-dinh'), counts(800, 700, 690, 10, { 'na-01-1': 400 })),
  );
  log.add(scanAttached(baDinh1, 'a'.repeat(64), 0));
  log.add(
    facts.tallySubmitted(
      E,
      place('dong-da-0001', 'dong-da'),
      counts(1200, 1100, 1090, 10, { 'na-01-2': 900 }),
    ),
  );
  const second = counts(1000, 980, 958, 22, { 'na-01-1': 700, 'na-01-2': 498 });
  log.add(facts.tallyCorrected(E, baDinh1, second, first, 'Recount of the NA ballots', ['validBallots']));
  log.add(scanAttached(baDinh1, 'b'.repeat(64), 2));
  for (const event of log.events) event.metadata = { ...event.metadata, hash: `hash-${event.position}` };
  return log.events;
}

describe('PollingAreaResultsProjection', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const warnings: string[] = [];
  const logger: ProjectionLogger = {
    log: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
  };
  const projection = new PollingAreaResultsProjection(logger);
  const apply = (events: StoredEvent[]) => ds.transaction((manager) => projection.apply(events, manager));
  const rows = () =>
    ds.query('SELECT * FROM rm_polling_area_results ORDER BY election_id, polling_area_id, contest_id');

  beforeAll(async () => {
    db = await createTestDatabase('rm_pa_results');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
  });
  beforeEach(async () => {
    warnings.length = 0;
    await ds.query('TRUNCATE rm_polling_area_results');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps each sheet: current counts, status, revision, position, last event hash and latest scan', async () => {
    await apply(night());
    const [bd1, bd2, dd1] = await rows();
    expect(bd1).toMatchObject({
      polling_area_id: 'ba-dinh-0001',
      status: 'corrected',
      revision: 3,
      counts_revision: 2,
      corrections: 1,
      position: '6',
      event_hash: 'hash-6',
      scan_digest: 'b'.repeat(64),
      scans: 2,
    });
    expect(bd1.counts.validBallots).toBe(958);
    expect(bd2).toMatchObject({
      status: 'submitted',
      revision: 0,
      scan_digest: null,
      scans: 0,
      event_hash: 'hash-2',
    });
    expect(dd1).toMatchObject({ district_id: 'dong-da', status: 'submitted' });
    expect(warnings).toEqual([]);
  });

  it('gives the same rows for any batching of the log, and a batch delivered again changes nothing', async () => {
    const events = night();
    await apply(events);
    const expected = await rows();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: events.length }), { minLength: 1, maxLength: 8 }),
        async (sizes) => {
          await ds.query('TRUNCATE rm_polling_area_results');
          let at = 0;
          for (const size of [...sizes, events.length]) {
            const batch = events.slice(at, at + size);
            if (batch.length === 0) break;
            await apply(batch);
            await apply(batch); // redelivered
            at += size;
          }
          expect(await rows()).toEqual(expected);
        },
      ),
      { numRuns: 25, seed: 12 },
    );
  });

  it('skips, with a warning, what it cannot place (a scan before any sheet, malformed counts)', async () => {
    const log = new MemoryLog();
    log.add(scanAttached(baDinh1, 'c'.repeat(64), 0));
    const bad = facts.tallySubmitted(E, place('ba-dinh-0002', 'ba-dinh'), counts(800, 700, 690, 10, {}));
    (bad.event.data as unknown as { counts: unknown }).counts = { validBallots: -1 };
    log.add(bad);
    await apply(log.events);
    expect(await rows()).toEqual([]);
    expect(warnings.map((w) => w.replace(/ at position.*: /, ': '))).toEqual([
      '[projection polling-area-results] skipped TallyScanAttached: a scan before any sheet',
      '[projection polling-area-results] skipped TallySubmitted: malformed counts',
    ]);
  });
});
