import {
  AmendmentChange,
  CommandContext,
  decideElection,
  ElectionDefinition,
  ElectionEvent,
  electionStreamId,
  foldElection,
  metadataFor,
  normalizeCounts,
  NOTHING_ON_RECORD,
  TallyCounts,
} from '@tally/domain';
import { EventStore, ReadStreamOptions } from '@tally/event-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../../apps/api/src/elections/election-catalog';
import { loadStream, toAppend } from '../../apps/api/src/infrastructure/event-streams';
import { SubmitTallyCommand } from '../../apps/api/src/tallies/submit-tally.command';
import { SubmitTallyHandler } from '../../apps/api/src/tallies/submit-tally.handler';
import { UnitLocks } from '../../apps/api/src/units/unit-locks';
import { Metrics } from '@tally/platform';

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
 * The store as a handler sees it, with `meanwhile` run right after each of its reads of `streamId` (given the read's
 * number, from 1): what another process stores between a handler's read and its append. By default only after the
 * first read.
 */
export function storeWithMeanwhile(
  store: EventStore,
  streamId: string,
  meanwhile: (read: number) => Promise<void>,
  after: (read: number) => boolean = (read) => read === 1,
): { store: EventStore; ran: () => boolean; reads: () => number } {
  let reads = 0;
  let ran = false;
  const racing = Object.create(store, {
    readStream: {
      value: async (id: string, options?: ReadStreamOptions) => {
        const read = await store.readStream(id, options);
        if (id === streamId && after(++reads)) {
          ran = true;
          await meanwhile(reads);
        }
        return read;
      },
    },
  }) as EventStore;
  return { store: racing, ran: () => ran, reads: () => reads };
}

/** Sheets submitted by a city admin through the real submit handler (its own catalog and unit locks). */
export async function submitSheets(
  store: EventStore,
  electionId: string,
  sheets: Array<{ submissionId: string; pollingAreaId: string; contestId: string } & TallyCounts>,
  now = '2021-05-23T20:00:00.000Z',
): Promise<void> {
  const handler = new SubmitTallyHandler(
    store,
    new ElectionCatalog(store),
    new Metrics(),
    new UnitLocks(store),
  );
  for (const { submissionId, pollingAreaId, contestId, ...counts } of sheets) {
    await handler.execute(
      new SubmitTallyCommand({
        electionId,
        pollingAreaId,
        contestId,
        submissionId,
        counts: normalizeCounts(counts),
        context: adminContext(now),
      }),
    );
  }
}
