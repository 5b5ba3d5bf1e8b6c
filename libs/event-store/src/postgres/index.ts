export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
export { appendInTransaction } from './postgres-append';
export { type GroupCommitOptions } from './postgres-group-commit';
export { AppendNotifier, type AppendNotifierOptions } from './postgres-append-notifier';
export {
  EVENT_STORE_NOTIFY_CHANNEL,
  EVENT_STORE_SCHEMA_VERSION,
  migratePostgresEventStore,
} from './postgres-migrations';
