import { metadataFor, normalizeCounts, tallyStreamId, UnitEvent, unitStreamId } from '@tally/domain';
import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import { Metrics } from '@tally/platform';
import { randomUUID } from 'node:crypto';
import {
  adminContext,
  ElectionWriter,
  storeWithMeanwhile,
  submitSheets,
} from '../../../../test/support/amend-meanwhile';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { sheetOf, smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { CertifyUnitCommand } from '../units/unit.commands';
import { CertifyUnitHandler } from '../units/certify-unit.handler';
import { UnitLocks } from '../units/unit-locks';
import { CorrectTallyCommand } from './correct-tally.command';
import { CorrectTallyHandler } from './correct-tally.handler';

const NOW = '2021-05-23T21:00:00.000Z';

/**
 * A correction whose unit was certified while it was being decided revokes that certification once it is stored (the
 * record no longer holds). However busy the unit's stream is meanwhile, the correction is stored: its sender hears
 * 201, never a 412 about the unit's stream, and the certification is revoked in the end.
 */
describe('CorrectTallyHandler and a unit certified while it decides', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('correct_handler');
    store = new PostgresEventStore(db.url, { poolSize: 4 });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('is stored and answered 201 through conflicting writes of the unit, and the certification ends revoked', async () => {
    const definition = smallElection();
    const { electionId } = definition;
    await new ElectionWriter(store).define(definition);
    await submitSheets(store, electionId, [
      sheetOf('tay-ho-0001', 'hdnd-tp'),
      sheetOf('tay-ho-0002', 'hdnd-tp'),
    ]);
    const unit = unitStreamId(electionId, 'hdnd-tp', 'tp-02');
    const certify = () =>
      new CertifyUnitHandler(store, new ElectionCatalog(store), new UnitLocks(store)).execute(
        new CertifyUnitCommand({
          electionId,
          contestId: 'hdnd-tp',
          unitId: 'tp-02',
          context: adminContext(NOW),
        }),
      );
    /** Another write of the unit: the same certification recorded again (it still lacks the correction). */
    const again = async () => {
      const stream = await loadStream<UnitEvent>(store, unit);
      const last = stream.events[stream.events.length - 1];
      await store.append(
        unit,
        toAppend(stream, [last], metadataFor(adminContext(NOW)), [randomUUID()]),
        stream.expected,
      );
    };
    // Read 1 of the unit (the correction's lock check): the unit is certified right after. Reads 2-4 (the
    // revocation's): another write of the unit comes in between each time. Read 5: nothing.
    const busy = storeWithMeanwhile(
      store,
      unit,
      (read) => (read === 1 ? certify().then(() => undefined) : again()),
      (read) => read <= 4,
    );
    const correct = new CorrectTallyHandler(
      busy.store,
      new ElectionCatalog(busy.store),
      new Metrics(),
      new UnitLocks(busy.store),
    );
    const {
      submissionId: _s,
      pollingAreaId: _p,
      contestId: _c,
      ...counts
    } = sheetOf('tay-ho-0001', 'hdnd-tp', 5);
    const answer = await correct.execute(
      new CorrectTallyCommand({
        electionId,
        pollingAreaId: 'tay-ho-0001',
        contestId: 'hdnd-tp',
        expectedRevision: 0,
        reason: 'Biên bản ghi nhầm số phiếu',
        counts: normalizeCounts(counts),
        context: adminContext(NOW),
      }),
    );
    expect(answer).toMatchObject({ revision: 1, status: 'corrected', replayed: false });
    expect(busy.reads()).toBeGreaterThanOrEqual(5);
    const [, corrected] = await store.readStream(tallyStreamId(electionId, 'tay-ho-0001', 'hdnd-tp'));
    expect(corrected?.type).toBe('TallyCorrected');
    const unitEvents = await store.readStream(unit);
    expect(unitEvents[unitEvents.length - 1]).toMatchObject({
      type: 'UnitCertificationRevoked',
      data: expect.objectContaining({ automatic: true }),
    });
  });
});
