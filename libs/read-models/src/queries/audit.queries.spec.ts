import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { createReadModelDataSource, runReadModelMigrations } from '../data-source';
import { AuditTrailProjection } from '../projections/audit-trail.projection';
import { counts, facts, MemoryLog, place, smallElection } from '../testing/read-model-fixtures';
import { AuditQueries } from './audit.queries';

const E = 'hn-audit';
const BD1 = place('ba-dinh-0001', 'ba-dinh');
const DD1 = place('dong-da-0001', 'dong-da');
const BD1_COUNTS = counts(1250, 1238, 1220, 18, { 'na-01-1': 1010, 'na-01-2': 870, 'na-01-3': 300 });
const FIXED = counts(1250, 1238, 1210, 28, { 'na-01-1': 1000, 'na-01-2': 870, 'na-01-3': 300 });

describe('AuditTrailProjection and AuditQueries', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const log = new MemoryLog();

  beforeAll(async () => {
    db = await createTestDatabase('rm_audit');
    ds = createReadModelDataSource(db.url, { poolSize: 4 });
    await runReadModelMigrations(ds);
    log.add(facts.electionDefined(smallElection(E)));
    log.add(facts.electionDefined(smallElection('other-election')));
    log.add(facts.tallySubmitted(E, BD1, BD1_COUNTS));
    log.add(
      facts.tallySubmitted(
        E,
        DD1,
        counts(1200, 1100, 1080, 20, { 'na-01-1': 900, 'na-01-2': 300, 'na-01-3': 650 }),
      ),
    );
    log.add(
      facts.tallyCorrected(E, BD1, FIXED, BD1_COUNTS, 'Ten invalid ballots were filed as valid', [
        'validBallots',
        'invalidBallots',
        'candidateVotes.na-01-1',
        'candidateVotes.na-01-2',
      ]),
    );
    const projection = new AuditTrailProjection();
    await ds.transaction((m) => projection.apply(log.events, m));
    await ds.transaction((m) => projection.apply(log.events, m)); // delivered twice: still one row per event
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('lists the election’s events in global order with who, why and a short summary', async () => {
    const page = await new AuditQueries(ds).list(E, { limit: 10 });
    expect(page!.nextCursor).toBeNull();
    expect(page!.items.map((i) => [i.position, i.type, i.summary])).toEqual([
      [
        0,
        'ElectionDefined',
        'Election hn-audit defined: 2 districts, 3 polling areas, 2 contests, 3 electoral units',
      ],
      [2, 'TallySubmitted', 'Tally submitted for ba-dinh-0001 / na: 1,220 valid, 18 invalid'],
      [3, 'TallySubmitted', 'Tally submitted for dong-da-0001 / na: 1,080 valid, 20 invalid'],
      [
        4,
        'TallyCorrected',
        'Tally corrected for ba-dinh-0001 / na: 1,210 valid, 28 invalid; changed validBallots, invalidBallots, candidateVotes.na-01-1 and 1 more',
      ],
    ]);
    expect(page!.items[3]).toEqual({
      position: 4,
      streamId: 'tally-hn-audit.ba-dinh-0001.na',
      revision: 1,
      type: 'TallyCorrected',
      recordedAt: log.events[4].recordedAt.toISOString(),
      actor: { id: 'admin-1', role: 'city-admin' },
      reason: 'Ten invalid ballots were filed as valid',
      requestId: log.events[4].metadata.requestId,
      correlationId: log.events[4].metadata.correlationId,
      summary: expect.any(String),
      pollingAreaId: 'ba-dinh-0001',
      contestId: 'na',
      districtId: 'ba-dinh',
    });
    expect(page!.items[0]).toMatchObject({ pollingAreaId: null, reason: null, actor: { id: 'anonymous' } });
  });

  it('pages by position cursor', async () => {
    const queries = new AuditQueries(ds);
    const first = await queries.list(E, { limit: 2 });
    expect(first!.items.map((i) => i.position)).toEqual([0, 2]);
    expect(first!.nextCursor).toBe(2);
    const second = await queries.list(E, { after: first!.nextCursor!, limit: 2 });
    expect(second!.items.map((i) => i.position)).toEqual([3, 4]);
    expect(second!.nextCursor).toBeNull();
  });

  it('returns null for an election it has never seen', async () => {
    expect(await new AuditQueries(ds).list('nope', { limit: 10 })).toBeNull();
  });
});
