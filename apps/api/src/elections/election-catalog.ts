import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ElectionErrorCode,
  ElectionEvent,
  ElectionIndex,
  ElectionState,
  electionStreamId,
  evolveElection,
  initialElectionState,
} from '@tally/domain';
import { AppendCondition, EventStore, StoredEvent } from '@tally/event-store';

/** The definition in force of one election: its index and the election stream's revision it reflects. */
export interface DefinitionInForce {
  index: ElectionIndex;
  /** The definition's ETag: 0 as defined, +1 per amendment. */
  revision: number;
  /**
   * The revision of the election stream's last event folded into it: what an append conditioned on this definition
   * expects the stream at (the stream holds only definition events, so today it equals `revision`).
   */
  streamRevision: number;
  state: Extract<ElectionState, { status: 'defined' }>;
}

/** A definition for a decision, and whether it was read from the store for this lookup. */
/**
 * The append condition "the election stream is still at the revision `definition` reflects" (no_stream when the
 * election was not defined): a write decided on that definition is then stored only if no amendment came in between.
 * Undefined where the store cannot check conditions.
 */
export function unchangedDefinition(
  eventStore: EventStore,
  electionId: string,
  definition: DefinitionInForce | undefined,
): AppendCondition | undefined {
  if (!eventStore.supportsAppendConditions) return undefined;
  return { streamId: electionStreamId(electionId), revision: definition?.streamRevision ?? 'no_stream' };
}

export interface HeldDefinition {
  definition: DefinitionInForce | undefined;
  /** Read from the store for this lookup (as current() does); false: the copy this process held, unverified. */
  fresh: boolean;
}

interface Refresh {
  running: Promise<DefinitionInForce | undefined>;
  /** Callers that came while `running` was in flight wait for the refresh after it: it starts after they came. */
  queued?: Promise<DefinitionInForce | undefined>;
}

/**
 * The definition in force per election, kept per process and keyed by the election stream's revision. Every lookup
 * through current() asks the store for events after the cached revision (one indexed read of an empty range when
 * nothing changed), so an amendment made through any api process is in force everywhere for every request that
 * starts after its 201. Concurrent lookups share a read, but only one that started after they arrived. held() skips
 * that read, for a caller that makes the store check the revision instead (an append condition on the election
 * stream, see SubmitTallyHandler). The event store stays the only record: the cache is rebuilt from it on demand.
 */
@Injectable()
export class ElectionCatalog {
  private readonly cache = new Map<string, DefinitionInForce>();
  private readonly refreshes = new Map<string, Refresh>();

  constructor(private readonly eventStore: EventStore) {}

  async current(electionId: string): Promise<DefinitionInForce | undefined> {
    const refresh = this.refreshes.get(electionId);
    if (!refresh) return this.start(electionId);
    refresh.queued ??= refresh.running
      .catch(() => undefined)
      .then(() => {
        this.refreshes.delete(electionId);
        return this.start(electionId);
      });
    return refresh.queued;
  }

  /**
   * The definition this process holds, without asking the store; the first lookup of an election (or one not defined
   * yet) reads it as current() does. What is decided on it is valid only if the election stream is still at its
   * `streamRevision` when the decision is stored (an append condition), and a refusal only once confirmed on
   * current().
   */
  async held(electionId: string): Promise<HeldDefinition> {
    const cached = this.cache.get(electionId);
    if (cached) return { definition: cached, fresh: false };
    return { definition: await this.current(electionId), fresh: true };
  }

  async find(electionId: string): Promise<ElectionIndex | undefined> {
    return (await this.current(electionId))?.index;
  }

  async get(electionId: string): Promise<ElectionIndex> {
    return (await this.require(electionId)).index;
  }

  /**
   * ELECTION.NOT_FOUND unless the election is defined. One this process holds answers without asking the store: an
   * election, once defined, stays defined.
   */
  async assertDefined(electionId: string): Promise<void> {
    if (!this.cache.has(electionId)) await this.require(electionId);
  }

  async require(electionId: string): Promise<DefinitionInForce> {
    const found = await this.current(electionId);
    if (!found) {
      throw new DomainError(
        'not_found',
        ElectionErrorCode.NOT_FOUND,
        `Election ${electionId} is not defined`,
        [],
        { electionId },
      );
    }
    return found;
  }

  /**
   * The definition as it stood right after global position `position` (GET /elections/{e}?atPosition=), folded from
   * the election stream; undefined when it was not defined yet.
   */
  async atPosition(electionId: string, position: number): Promise<DefinitionInForce | undefined> {
    const events = await this.eventStore.readStream(electionStreamId(electionId));
    return fold(
      undefined,
      events.filter((e) => e.position <= position),
    );
  }

  private start(electionId: string): Promise<DefinitionInForce | undefined> {
    const running = this.refresh(electionId);
    const refresh: Refresh = { running };
    this.refreshes.set(electionId, refresh);
    const done = () => {
      // A queued refresh takes the slot over itself; otherwise the slot is free again.
      if (this.refreshes.get(electionId) === refresh && !refresh.queued) this.refreshes.delete(electionId);
    };
    running.then(done, done);
    return running;
  }

  private async refresh(electionId: string): Promise<DefinitionInForce | undefined> {
    const known = this.cache.get(electionId);
    const newer = await this.eventStore.readStream(electionStreamId(electionId), {
      fromRevision: known ? known.streamRevision + 1 : 0,
    });
    if (newer.length === 0) return known;
    const found = fold(known, newer);
    // An unknown election may be defined later: a miss is not remembered.
    if (found) this.cache.set(electionId, found);
    return found;
  }
}

function fold(known: DefinitionInForce | undefined, events: StoredEvent[]): DefinitionInForce | undefined {
  let state: ElectionState = known?.state ?? initialElectionState();
  for (const event of events) {
    if (event.type !== 'ElectionDefined' && event.type !== 'ElectionAmended') continue;
    state = evolveElection(state, { type: event.type, data: event.data } as unknown as ElectionEvent);
  }
  if (state.status !== 'defined') return undefined;
  const streamRevision =
    events.length > 0 ? events[events.length - 1].revision : (known?.streamRevision ?? -1);
  if (known && state.revision === known.revision)
    return streamRevision === known.streamRevision ? known : { ...known, streamRevision };
  return { index: new ElectionIndex(state.definition), revision: state.revision, streamRevision, state };
}
