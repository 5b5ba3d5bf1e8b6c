import { AppendConditionsUnsupportedError } from '../event-store.port';
import { someEvents, uniquePrefix } from '../testing/contract-helpers';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/**
 * Runs the shared contract against a real KurrentDB / EventStoreDB 24.10+ when one is configured, for example
 * `docker run -p 2113:2113 docker.kurrent.io/kurrent-latest/kurrentdb --insecure --run-projections=None`.
 */
const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('kurrentdb', async () => {
    // Small pages, so that the contract's reads cross page boundaries (each page a bounded, drained read).
    const store = new KurrentDbEventStore(connectionString, { readPageSize: 7 });
    await store.ping();
    return { store, dispose: () => store.close() };
  });
} else {
  describe.skip('EventStore contract: kurrentdb', () => {
    beforeAll(() => undefined);
    it('needs KURRENTDB_CONNECTION_STRING', () => undefined);
  });
  const notice =
    'SKIPPED: KurrentDB contract suite — set KURRENTDB_CONNECTION_STRING=esdb://localhost:2113?tls=false to run it';
  console.log(notice);
  // Jest drops buffered console output of a suite with no test run when several workers run; stderr goes through.
  process.stderr.write(`\n${notice}\n`);
}

// No server needed: the refusal comes before any request (nothing listens at this address).
describe('KurrentDbEventStore append conditions', () => {
  it('says it cannot check them and refuses an append that carries one, never appending it unchecked', async () => {
    const store = new KurrentDbEventStore('esdb://127.0.0.1:1?tls=false');
    try {
      expect(store.supportsAppendConditions).toBe(false);
      const refused = store.append(`${uniquePrefix('kdb-cond')}sheet`, someEvents(1), 'no_stream', {
        condition: { streamId: 'election-x', revision: 0 },
      });
      await expect(refused).rejects.toBeInstanceOf(AppendConditionsUnsupportedError);
      await expect(refused).rejects.toThrow(/cannot check an append condition/);
    } finally {
      await store.close();
    }
  });
});
