import type { EventStore } from './event-store.port';
import { KurrentDbEventStore } from './kurrentdb';
import { PostgresEventStore } from './postgres';

/** Where the events are: the PostgreSQL store (the default) or a KurrentDB server. */
export interface EventStoreTarget {
  kind: 'postgres' | 'kurrentdb';
  /** The PostgreSQL database (kind postgres). */
  databaseUrl: string;
  /** Required with kind kurrentdb. */
  kurrentdbConnectionString?: string;
  /** Connections of the PostgreSQL store's pool (its default when omitted). */
  poolSize?: number;
}

/** A store on the target, as it is: nothing migrated (openEventStore in @tally/platform migrates). */
export function connectEventStore(target: EventStoreTarget): EventStore {
  if (target.kind === 'kurrentdb') {
    if (!target.kurrentdbConnectionString) throw new Error('A KurrentDB store needs its connection string');
    return new KurrentDbEventStore(target.kurrentdbConnectionString);
  }
  return new PostgresEventStore(target.databaseUrl, { poolSize: target.poolSize });
}
