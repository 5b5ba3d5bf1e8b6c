import type { EventStore } from '@tally/event-store';
import { AppConfig } from '@tally/platform';

/** What main.ts resolved before Nest starts: the validated config and the database to use. */
export interface AppRuntime {
  config: AppConfig;
  databaseUrl: string;
  /** Wraps the configured event store (specs run the api on PostgreSQL behind KurrentDB-like positions). */
  decorateEventStore?: (store: EventStore) => EventStore;
}

export const APP_RUNTIME = Symbol('APP_RUNTIME');
export const APP_CONFIG = Symbol('APP_CONFIG');
/** The CheckpointKeys (libs/platform) that sign GET /elections/{e}/audit/checkpoint. */
export const CHECKPOINT_KEYS = Symbol('CHECKPOINT_KEYS');
