export { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
export { EVENT_ID_RESERVATION_PREFIX } from './kurrentdb-event-mapping';
