import { unitStreamId } from '@tally/domain';
import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import {
  adminContext,
  ElectionWriter,
  storeWithMeanwhile,
  submitSheets,
} from '../../../../test/support/amend-meanwhile';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { sheetOf, smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from '../elections/election-catalog';
import { CertifyUnitHandler } from './certify-unit.handler';
import { CertifyUnitCommand } from './unit.commands';
import { UnitLocks } from './unit-locks';

const NOW = '2021-05-23T20:30:00.000Z';

/**
 * A certification records the unit's polling areas as the definition read at its start lists them. An amendment that
 * adds an area to the unit, stored before the certification's append, must not leave a record without that area:
 * the append is conditioned on the election stream, and the unit decided again (it is then not complete).
 */
describe('CertifyUnitHandler and an amendment stored while it decides', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('certify_handler');
    store = new PostgresEventStore(db.url, { poolSize: 4 });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('refuses, on the amended definition, a unit that a new polling area left incomplete', async () => {
    const definition = smallElection();
    const { electionId } = definition;
    const writer = new ElectionWriter(store);
    await writer.define(definition);
    await submitSheets(store, electionId, [
      sheetOf('tay-ho-0001', 'hdnd-tp'),
      sheetOf('tay-ho-0002', 'hdnd-tp'),
    ]);
    // Between the certification's read of the unit and its append, tay-ho-0003 joins unit tp-02.
    const racing = storeWithMeanwhile(store, unitStreamId(electionId, 'hdnd-tp', 'tp-02'), () =>
      writer.amend(electionId, [
        {
          type: 'addPollingArea',
          pollingArea: { pollingAreaId: 'tay-ho-0003', districtId: 'tay-ho', registeredVoters: 700 },
          units: [{ contestId: 'hdnd-tp', unitId: 'tp-02' }],
        },
      ]),
    );
    const handler = new CertifyUnitHandler(
      racing.store,
      new ElectionCatalog(racing.store),
      new UnitLocks(racing.store),
    );
    const certified = handler.execute(
      new CertifyUnitCommand({
        electionId,
        contestId: 'hdnd-tp',
        unitId: 'tp-02',
        context: adminContext(NOW),
      }),
    );
    await expect(certified).rejects.toMatchObject({ code: 'UNIT.NOT_COMPLETE' });
    expect(racing.ran()).toBe(true);
    expect(await store.readStream(unitStreamId(electionId, 'hdnd-tp', 'tp-02'))).toEqual([]);
  });
});
