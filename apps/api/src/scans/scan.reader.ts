import { Injectable } from '@nestjs/common';
import {
  Actor,
  DomainError,
  foldTally,
  ScanErrorCode,
  TallyErrorCode,
  TallyEvent,
  tallyId,
  TallyScan,
  tallyStreamId,
} from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { scanDigest, ScanStore, StoredScan } from '@tally/scan-store';
import { loadStream } from '../infrastructure/event-streams';
import { HttpProblem } from '../http/problem';

export interface ScanVersion extends TallyScan {
  position: number;
  actor: Actor;
}

export interface ScanList {
  tallyId: string;
  /** The sheet's current revision. */
  revision: number;
  /** Oldest first; the last one is what GET …/scan returns. */
  scans: ScanVersion[];
}

/** The scans of one sheet, from its stream; the bytes from the scan store, checked against their digest. */
@Injectable()
export class ScanReader {
  constructor(
    private readonly eventStore: EventStore,
    private readonly scanStore: ScanStore,
  ) {}

  async list(electionId: string, pollingAreaId: string, contestId: string): Promise<ScanList> {
    const stream = await loadStream<TallyEvent>(
      this.eventStore,
      tallyStreamId(electionId, pollingAreaId, contestId),
    );
    const state = foldTally(stream.events);
    if (state.status !== 'recorded') {
      throw new DomainError(
        'not_found',
        TallyErrorCode.NOT_FOUND,
        `No tally sheet for polling area ${pollingAreaId} and contest ${contestId} in election ${electionId}`,
      );
    }
    const byRevision = new Map(stream.stored.map((e) => [e.revision, e]));
    return {
      tallyId: tallyId(electionId, pollingAreaId, contestId),
      revision: state.revision,
      scans: state.scans.map((scan) => {
        const stored = byRevision.get(scan.revision)!;
        const actor = (stored.metadata as { actor?: Actor }).actor ?? { id: 'unknown' };
        return { ...scan, position: stored.position, actor };
      }),
    };
  }

  /** The latest scan, or the version with `digest`; 404 SCAN.NOT_FOUND when the sheet has no such scan. */
  async bytes(
    electionId: string,
    pollingAreaId: string,
    contestId: string,
    digest?: string,
  ): Promise<{ version: ScanVersion; stored: StoredScan }> {
    const { scans } = await this.list(electionId, pollingAreaId, contestId);
    const version = digest ? scans.find((s) => s.digest === digest) : scans[scans.length - 1];
    if (!version) {
      throw new DomainError(
        'not_found',
        ScanErrorCode.NOT_FOUND,
        digest
          ? `The sheet of ${pollingAreaId} / ${contestId} has no scan with digest ${digest}`
          : `No scan is attached to the sheet of ${pollingAreaId} / ${contestId} yet`,
      );
    }
    const stored = await this.scanStore.get(version.digest);
    // Bytes that went missing or changed in storage are an operator's problem, never served as the recorded scan.
    if (!stored) {
      throw new HttpProblem(
        500,
        'SCAN.BYTES_MISSING',
        'Internal error',
        `The ${this.scanStore.name} scan store has no bytes for digest ${version.digest}; run npm run cli -- verify`,
      );
    }
    if (scanDigest(stored.bytes) !== version.digest) {
      throw new HttpProblem(
        500,
        'SCAN.BYTES_ALTERED',
        'Internal error',
        `The bytes stored for digest ${version.digest} no longer hash to it; run npm run cli -- verify`,
      );
    }
    return { version, stored };
  }
}
