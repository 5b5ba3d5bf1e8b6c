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
