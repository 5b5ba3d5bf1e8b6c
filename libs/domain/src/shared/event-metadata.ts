/** Who did it. Until authentication lands the api uses ANONYMOUS; later the authenticated principal fills it. */
export interface Actor {
  id: string;
  role?: string;
  districts?: string[];
}

export const ANONYMOUS: Actor = { id: 'anonymous' };

export const SCHEMA_VERSION = 1;

/** Stored with every event. */
export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string;
  requestId: string;
  schemaVersion: number;
  [key: string]: unknown;
}

/** What a command carries besides its payload: the actor, the ids that trace it, and the time it happened. */
export interface CommandContext {
  actor: Actor;
  requestId: string;
  correlationId: string;
  causationId: string;
  /** ISO-8601 instant supplied by the caller: deciders never read the clock. */
  now: string;
}

export function metadataFor(context: CommandContext): EventMetadata {
  return {
    actor: context.actor,
    correlationId: context.correlationId,
    causationId: context.causationId,
    requestId: context.requestId,
    schemaVersion: SCHEMA_VERSION,
  };
}
