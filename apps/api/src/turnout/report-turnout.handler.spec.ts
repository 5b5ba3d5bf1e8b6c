import {
  CommandContext,
  decideElection,
  ElectionEvent,
  electionStreamId,
  foldElection,
  metadataFor,
  NOTHING_ON_RECORD,
  turnoutStreamId,
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
import { smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { ReportTurnoutCommand } from './report-turnout.command';
import { ReportTurnoutHandler } from './report-turnout.handler';

const context = (): CommandContext => ({
  actor: { id: 'city-admin', role: 'admin' },
  requestId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  now: '2021-05-23T05:30:00.000Z',
});

/**
 * A turnout report is decided on the definition read at its start. An amendment stored between that read and the
 * report's append (another api process, a few milliseconds) must not let a report the amended definition refuses
 * be stored: the append is conditioned on the election stream, and the report decided again.
 */
describe('ReportTurnoutHandler and an amendment stored while it decides', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('turnout_handler');
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
  ) {
    const stream = await loadStream<ElectionEvent>(store, electionStreamId(electionId));
    const events = decide(foldElection(stream.events));
    await store.append(
      stream.streamId,
      toAppend(stream, events, metadataFor(context()), [randomUUID()]),
      stream.expected,
    );
  }

  it('refuses, on the amended voter list, a report that only the list it first read allowed', async () => {
    const definition = smallElection();
    const { electionId } = definition;
    await appendElection(electionId, (state) =>
      decideElection({ type: 'DefineElection', definition, context: context() }, state),
    );
    // Between the report's read of its stream and its append, the list of tay-ho-0001 shrinks to 500 voters.
    let amended = false;
    const racing = Object.create(store, {
      readStream: {
        value: async (streamId: string, options?: ReadStreamOptions) => {
          const read = await store.readStream(streamId, options);
          if (streamId === turnoutStreamId(electionId, 'tay-ho-0001') && !amended) {
            amended = true;
            await appendElection(electionId, (state) =>
              decideElection(
                {
                  type: 'AmendElection',
                  electionId,
                  expectedRevision: state.status === 'defined' ? state.revision : -1,
                  reason: 'Danh sách cử tri được rà soát lại',
                  changes: [
                    { type: 'changeRegisteredVoters', pollingAreaId: 'tay-ho-0001', registeredVoters: 500 },
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
    const handler = new ReportTurnoutHandler(racing, new ElectionCatalog(racing), new Metrics());
    const report = handler.execute(
      new ReportTurnoutCommand({
        electionId,
        pollingAreaId: 'tay-ho-0001',
        reportId: randomUUID(),
        asOf: '2021-05-23T12:30:00+07:00',
        votersVoted: 800,
        context: context(),
      }),
    );
    await expect(report).rejects.toMatchObject({ code: 'TURNOUT.EXCEEDS_REGISTERED' });
    expect(amended).toBe(true);
    expect(await store.readStream(turnoutStreamId(electionId, 'tay-ho-0001'))).toEqual([]);
  });
});
