import { turnoutStreamId } from '@tally/domain';
import { migratePostgresEventStore, PostgresEventStore } from '@tally/event-store';
import { Metrics } from '@tally/platform';
import { randomUUID } from 'node:crypto';
import { adminContext, ElectionWriter, storeWithMeanwhile } from '../../../../test/support/amend-meanwhile';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from '../elections/election-catalog';
import { ReportTurnoutCommand } from './report-turnout.command';
import { ReportTurnoutHandler } from './report-turnout.handler';

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

  it('refuses, on the amended voter list, a report that only the list it first read allowed', async () => {
    const definition = smallElection();
    const { electionId } = definition;
    const writer = new ElectionWriter(store);
    await writer.define(definition);
    // Between the report's read of its stream and its append, the list of tay-ho-0001 shrinks to 500 voters.
    const racing = storeWithMeanwhile(store, turnoutStreamId(electionId, 'tay-ho-0001'), () =>
      writer.amend(electionId, [
        { type: 'changeRegisteredVoters', pollingAreaId: 'tay-ho-0001', registeredVoters: 500 },
      ]),
    );
    const handler = new ReportTurnoutHandler(racing.store, new ElectionCatalog(racing.store), new Metrics());
    const report = handler.execute(
      new ReportTurnoutCommand({
        electionId,
        pollingAreaId: 'tay-ho-0001',
        reportId: randomUUID(),
        asOf: '2021-05-23T12:30:00+07:00',
        votersVoted: 800,
        context: adminContext('2021-05-23T05:30:00.000Z'),
      }),
    );
    await expect(report).rejects.toMatchObject({ code: 'TURNOUT.EXCEEDS_REGISTERED' });
    expect(racing.ran()).toBe(true);
    expect(await store.readStream(turnoutStreamId(electionId, 'tay-ho-0001'))).toEqual([]);
  });
});
