import {
  CommandContext,
  decideElection,
  ElectionEvent,
  electionStreamId,
  foldElection,
  metadataFor,
  normalizeCounts,
  NOTHING_ON_RECORD,
  unitStreamId,
} from '@tally/domain';
import {
  EventStore,
  migratePostgresEventStore,
  PostgresEventStore,
  ReadStreamOptions,
} from '@tally/event-store';
import { Metrics } from '@tally/platform';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { sheetOf, smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { SubmitTallyCommand } from '../tallies/submit-tally.command';
import { SubmitTallyHandler } from '../tallies/submit-tally.handler';
import { CertifyUnitCommand } from './unit.commands';
import { CertifyUnitHandler } from './certify-unit.handler';
import { UnitLocks } from './unit-locks';

const context = (): CommandContext => ({
  actor: { id: 'city-admin', role: 'admin' },
  requestId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  now: '2021-05-23T20:30:00.000Z',
});

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

  async function appendElection(
    electionId: string,
    decide: (state: ReturnType<typeof foldElection>) => ElectionEvent[],
  ): Promise<void> {
    const stream = await loadStream<ElectionEvent>(store, electionStreamId(electionId));
    const events = decide(foldElection(stream.events));
    await store.append(
      stream.streamId,
      toAppend(stream, events, metadataFor(context()), [randomUUID()]),
      stream.expected,
    );
  }

  it('refuses, on the amended definition, a unit that a new polling area left incomplete', async () => {
    const definition = smallElection();
    const { electionId } = definition;
    await appendElection(electionId, (state) =>
      decideElection({ type: 'DefineElection', definition, context: context() }, state),
    );
    const submit = new SubmitTallyHandler(
      store,
      new ElectionCatalog(store),
      new Metrics(),
      new UnitLocks(store),
    );
    for (const pollingAreaId of ['tay-ho-0001', 'tay-ho-0002']) {
      const sheet = sheetOf(pollingAreaId, 'hdnd-tp');
      await submit.execute(
        new SubmitTallyCommand({
          electionId,
          pollingAreaId,
          contestId: 'hdnd-tp',
          submissionId: sheet.submissionId,
          counts: normalizeCounts(sheet),
          context: context(),
        }),
      );
    }
    // Between the certification's read of the unit and its append, tay-ho-0003 joins unit tp-02.
    let amended = false;
    const racing = Object.create(store, {
      readStream: {
        value: async (streamId: string, options?: ReadStreamOptions) => {
          const read = await store.readStream(streamId, options);
          if (streamId === unitStreamId(electionId, 'hdnd-tp', 'tp-02') && !amended) {
            amended = true;
            await appendElection(electionId, (state) =>
              decideElection(
                {
                  type: 'AmendElection',
                  electionId,
                  expectedRevision: state.status === 'defined' ? state.revision : -1,
                  reason: 'Bổ sung khu vực bỏ phiếu số 3',
                  changes: [
                    {
                      type: 'addPollingArea',
                      pollingArea: {
                        pollingAreaId: 'tay-ho-0003',
                        districtId: 'tay-ho',
                        registeredVoters: 700,
                      },
                      units: [{ contestId: 'hdnd-tp', unitId: 'tp-02' }],
                    },
                  ],
                  onRecord: NOTHING_ON_RECORD,
                  context: context(),
                },
                state,
              ),
            );
          }
          return read;
        },
      },
    }) as EventStore;
    const handler = new CertifyUnitHandler(racing, new ElectionCatalog(racing), new UnitLocks(racing));
    const certified = handler.execute(
      new CertifyUnitCommand({ electionId, contestId: 'hdnd-tp', unitId: 'tp-02', context: context() }),
    );
    await expect(certified).rejects.toMatchObject({ code: 'UNIT.NOT_COMPLETE' });
    expect(amended).toBe(true);
    expect(await store.readStream(unitStreamId(electionId, 'hdnd-tp', 'tp-02'))).toEqual([]);
  });
});
