import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

/** What the queries need of a database: DataSource has it, and so has the router below. */
export type ReadDatabase = Pick<DataSource, 'createQueryRunner' | 'query'>;

interface Route {
  primary: boolean;
}

/**
 * Sends the read-only queries (results, turnout, audit) to a streaming replica when DATABASE_READ_URL gives one,
 * else to the primary. Within a request scope (`scope`), `usePrimary()` switches that request's reads to the
 * primary: read-your-writes does so when the replica has not replayed the client's position in time.
 */
export class ReadRouter implements ReadDatabase {
  private readonly routes = new AsyncLocalStorage<Route>();

  constructor(
    readonly primary: DataSource,
    readonly replica?: DataSource,
  ) {}

  /** The database this request reads from now. */
  get current(): DataSource {
    return this.replica && !this.routes.getStore()?.primary ? this.replica : this.primary;
  }

  createQueryRunner(...args: Parameters<DataSource['createQueryRunner']>) {
    return this.current.createQueryRunner(...args);
  }

  query<T = unknown>(...args: Parameters<DataSource['query']>): Promise<T> {
    return this.current.query<T>(...args);
  }

  /**
   * Runs `run` (a request) in a scope of its own: usePrimary() inside it affects only this request. Without a replica
   * there is nothing to route, and no scope is entered: on Node 20 the first AsyncLocalStorage.run turns on promise
   * hooks for the whole process, and every promise of every request pays for them from then on (about 0.06 ms of the
   * api's CPU per submission in `npm run bench:api`, docs/benchmarks.md).
   */
  scope<T>(run: () => T): T {
    return this.replica ? this.routes.run({ primary: false }, run) : run();
  }

  /** The rest of the current scope reads from the primary. */
  usePrimary(): void {
    const route = this.routes.getStore();
    if (route) route.primary = true;
  }

  /** `run` reads from the primary, whatever the scope (the live stream, which must match its event positions). */
  onPrimary<T>(run: () => Promise<T>): Promise<T> {
    return this.replica ? this.routes.run({ primary: true }, run) : run();
  }
}
