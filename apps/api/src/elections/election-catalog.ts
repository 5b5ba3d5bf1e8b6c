import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ElectionErrorCode,
  ElectionEvent,
  ElectionIndex,
  electionStreamId,
  foldElection,
} from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { loadStream } from '../infrastructure/event-streams';

/**
 * Election definitions never change once defined, so the index built from one is kept per process. The event store
 * stays the only record: the cache is rebuilt from it on demand.
 */
@Injectable()
export class ElectionCatalog {
  private readonly indexes = new Map<string, Promise<ElectionIndex | undefined>>();

  constructor(private readonly eventStore: EventStore) {}

  async find(electionId: string): Promise<ElectionIndex | undefined> {
    let pending = this.indexes.get(electionId);
    if (!pending) {
      pending = this.load(electionId);
      this.indexes.set(electionId, pending);
      // An unknown election may be defined later: do not remember misses or failures.
      pending.then(
        (index) => index === undefined && this.indexes.delete(electionId),
        () => this.indexes.delete(electionId),
      );
    }
    return pending;
  }

  async get(electionId: string): Promise<ElectionIndex> {
    const index = await this.find(electionId);
    if (!index) {
      throw new DomainError(
        'not_found',
        ElectionErrorCode.NOT_FOUND,
        `Election ${electionId} is not defined`,
        [],
        {
          electionId,
        },
      );
    }
    return index;
  }

  private async load(electionId: string): Promise<ElectionIndex | undefined> {
    const { events } = await loadStream<ElectionEvent>(this.eventStore, electionStreamId(electionId));
    const state = foldElection(events);
    return state.status === 'defined' ? new ElectionIndex(state.definition) : undefined;
  }
}
