import {
  AmendmentChange,
  CommandContext,
  decideElection,
  ElectionDefinition,
  ElectionEvent,
  electionStreamId,
  foldElection,
  metadataFor,
  NOTHING_ON_RECORD,
} from '@tally/domain';
import { EventStore, ReadStreamOptions } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { loadStream, toAppend } from '../../apps/api/src/infrastructure/event-streams';

/** A city admin's command context at `now`. */
export function adminContext(now: string): CommandContext {
  return {
    actor: { id: 'city-admin', role: 'admin' },
    requestId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    now,
  };
}

/** "Another api process": defines and amends elections straight on the store, with the domain's decisions. */
export class ElectionWriter {
  constructor(
    private readonly store: EventStore,
    private readonly now = '2021-05-23T12:00:00.000Z',
  ) {}

  define(definition: ElectionDefinition): Promise<void> {
    return this.append(definition.electionId, (state) =>
      decideElection({ type: 'DefineElection', definition, context: adminContext(this.now) }, state),
    );
  }

  amend(
    electionId: string,
    changes: AmendmentChange[],
    reason = 'Nghị quyết của Ủy ban bầu cử',
  ): Promise<void> {
    return this.append(electionId, (state) =>
      decideElection(
        {
          type: 'AmendElection',
          electionId,
          expectedRevision: state.status === 'defined' ? state.revision : -1,
          reason,
          changes,
          onRecord: NOTHING_ON_RECORD,
          context: adminContext(this.now),
        },
        state,
      ),
    );
  }

  private async append(
    electionId: string,
    decide: (state: ReturnType<typeof foldElection>) => ElectionEvent[],
  ): Promise<void> {
    const stream = await loadStream<ElectionEvent>(this.store, electionStreamId(electionId));
    const events = decide(foldElection(stream.events));
    await this.store.append(
      stream.streamId,
      toAppend(stream, events, metadataFor(adminContext(this.now)), [randomUUID()]),
      stream.expected,
    );
  }
}

/**
 * The store as a handler sees it, with `meanwhile` run once right after its first read of `streamId`: what another
 * process stores between a handler's read and its append.
 */
export function storeWithMeanwhile(
  store: EventStore,
  streamId: string,
  meanwhile: () => Promise<void>,
): { store: EventStore; ran: () => boolean } {
  let ran = false;
  const racing = Object.create(store, {
    readStream: {
      value: async (id: string, options?: ReadStreamOptions) => {
        const read = await store.readStream(id, options);
        if (id === streamId && !ran) {
          ran = true;
          await meanwhile();
        }
        return read;
      },
    },
  }) as EventStore;
  return { store: racing, ran: () => ran };
}
