import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertMayPerformIn,
  decideTally,
  foldTally,
  metadataFor,
  TallyEvent,
  tallyId,
  TallyScanAttached,
  tallyStreamId,
} from '@tally/domain';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { Metrics } from '@tally/platform';
import { scanDigest, ScanStore } from '@tally/scan-store';
import { randomUUID } from 'node:crypto';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { AttachScanCommand } from './attach-scan.command';
import { ScanWriteResult } from './scan-results';

const ATTEMPTS = 3;

/**
 * Decides on the sheet first (so a refusal stores nothing, not even the bytes), then stores the bytes, then appends
 * TallyScanAttached: when the client hears 201 both are durable. Bytes stored for an append that then fails stay as an
 * unreferenced blob, which is harmless (content-addressed, never served without an event naming them).
 */
@CommandHandler(AttachScanCommand)
export class AttachScanHandler implements ICommandHandler<AttachScanCommand> {
  constructor(
    private readonly eventStore: EventStore,
    private readonly scanStore: ScanStore,
    private readonly catalog: ElectionCatalog,
    private readonly metrics: Metrics,
  ) {}

  async execute({ scan }: AttachScanCommand): Promise<ScanWriteResult> {
    const { electionId, pollingAreaId, contestId, bytes, contentType, context } = scan;
    const index = await this.catalog.find(electionId);
    if (index) assertMayPerformIn(context.actor, 'attach-scan', index.districtOf(pollingAreaId));
    const streamId = tallyStreamId(electionId, pollingAreaId, contestId);
    const digest = scanDigest(bytes);
    const command = {
      type: 'AttachTallyScan' as const,
      electionId,
      pollingAreaId,
      contestId,
      digest,
      size: bytes.length,
      contentType,
      context,
    };
    let stored = false;
    for (let attempt = 1; ; attempt++) {
      const stream = await loadStream<TallyEvent>(this.eventStore, streamId);
      const state = foldTally(stream.events);
      const events = decideTally(command, state, index);
      if (events.length === 0 && state.status === 'recorded') {
        const current = state.scans[state.scans.length - 1];
        this.metrics.replayed('tally');
        return {
          tallyId: tallyId(electionId, pollingAreaId, contestId),
          digest,
          size: current.size,
          contentType: current.contentType,
          // The scan's own event, as the first answer gave it (the sheet may have moved on without new counts).
          revision: current.revision,
          position: stream.stored[current.revision].position,
          countsRevision: current.countsRevision,
          replayed: true,
        };
      }
      if (!stored) {
        await this.scanStore.put(bytes, contentType);
        stored = true;
      }
      try {
        const appended = await this.eventStore.append(
          streamId,
          toAppend(stream, events, metadataFor(context), [randomUUID()]),
          stream.expected,
        );
        const [event] = events as TallyScanAttached[];
        return {
          tallyId: tallyId(electionId, pollingAreaId, contestId),
          digest,
          size: bytes.length,
          contentType,
          revision: appended.revision,
          position: appended.position,
          countsRevision: event.data.countsRevision,
          replayed: false,
        };
      } catch (error) {
        // A correction or another scan arrived meanwhile: decide again on the new state.
        if (error instanceof WrongExpectedRevisionError && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
