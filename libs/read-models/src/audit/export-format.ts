import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventStore, JsonObject, StoredEvent } from '@tally/event-store';
import { START } from '@tally/event-store';
import { electionIdOfStream, electionStreamPrefixes, isStreamOfElection } from '@tally/domain';
import { ProjectionLogger } from '../projection';
import type { CityResults } from '../queries/results.shapes';
import { cityOf, foldResults } from '../time-travel/results-time-travel';
import { ChainProblem, ChainVerifier, ElectionDigest, PublishedCheckpoint } from './chain-verifier';

/** One NDJSON line of an export: the stored event, with its two chain fields lifted out of the metadata. */
export interface ExportLine {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recordedAt: string;
  prevHash: string | null;
  hash: string | null;
}

export function toExportLine(event: StoredEvent): string {
  const line: ExportLine = {
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: new Date(event.recordedAt).toISOString(),
    prevHash: typeof event.metadata.prevHash === 'string' ? event.metadata.prevHash : null,
    hash: typeof event.metadata.hash === 'string' ? event.metadata.hash : null,
  };
  return `${JSON.stringify(line)}\n`;
}

/** Throws with the line number when a line is not an export line. */
export function parseExportLine(text: string, lineNumber: number): StoredEvent {
  let value: Partial<ExportLine>;
  try {
    value = JSON.parse(text) as Partial<ExportLine>;
  } catch (error) {
    throw new Error(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  const ok =
    Number.isSafeInteger(value.position) &&
    typeof value.streamId === 'string' &&
    Number.isSafeInteger(value.revision) &&
    typeof value.type === 'string' &&
    typeof value.data === 'object' &&
    value.data !== null &&
    typeof value.metadata === 'object' &&
    value.metadata !== null &&
    typeof value.recordedAt === 'string';
  if (!ok)
    throw new Error(`line ${lineNumber}: not an export line (position, streamId, revision, type, ...)`);
  // The hashes inside the metadata are what the chain covers; the lifted copies must agree with them.
  const metadata = value.metadata as JsonObject;
  if (
    (value.hash ?? null) !== (metadata.hash ?? null) ||
    (value.prevHash ?? null) !== (metadata.prevHash ?? null)
  ) {
    throw new Error(`line ${lineNumber}: hash/prevHash differ from the metadata's`);
  }
  return {
    eventId: '',
    position: value.position!,
    streamId: value.streamId!,
    revision: value.revision!,
    type: value.type!,
    data: value.data as JsonObject,
    metadata,
    recordedAt: new Date(value.recordedAt!),
  };
}

/** The log (or one election's events) as export lines, read page by page: never the whole log in memory. */
export async function* exportLines(
  store: EventStore,
  options: { electionId?: string; pageSize?: number; to?: number } = {},
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? 1000;
  const { electionId } = options;
  const prefixes = electionId ? electionStreamPrefixes(electionId) : undefined;
  let after = START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, streamPrefixes: prefixes, to: options.to });
    for (const event of page) {
      if (electionId && !isStreamOfElection(electionId, event.streamId)) continue;
      yield toExportLine(event);
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1].position;
  }
}

export interface ExportVerification {
  intact: boolean;
  events: number;
  problems: ChainProblem[];
  digests: ElectionDigest[];
  /** City results per election, folded from the file with the live projection's code. */
  cities: CityResults[];
}

/**
 * Checks an export file offline: every hash and link, revisions contiguous per stream from 0, positions increasing,
 * each election's digest (compared with `expectedDigests` when given), and recomputes the city results.
 */
export async function verifyExportFile(
  file: string,
  options: {
    expectedDigests?: Record<string, string>;
    /** Checkpoints the file must reach, each at its position (e.g. a signed one, after its signature checked). */
    checkpoints?: PublishedCheckpoint[];
    logger?: ProjectionLogger;
    onLine?: (n: number) => void;
  } = {},
): Promise<ExportVerification> {
  const verifier = new ChainVerifier({ checkpoints: options.checkpoints });
  const eventsByElection = new Map<string, StoredEvent[]>();
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    const event = parseExportLine(text, n);
    verifier.add(event);
    const electionId = electionIdOfStream(event.streamId);
    if (electionId && isStreamOfElection(electionId, event.streamId)) {
      const list = eventsByElection.get(electionId) ?? [];
      list.push(event);
      eventsByElection.set(electionId, list);
    }
    if (n % 1000 === 0) options.onLine?.(n);
  }
  verifier.finish();
  const digests = verifier.electionDigests();
  const problems = [...verifier.problems];
  for (const [electionId, expected] of Object.entries(options.expectedDigests ?? {})) {
    const found = digests.find((d) => d.electionId === electionId);
    if (found?.digest !== expected) {
      problems.push({
        kind: 'digest-mismatch',
        electionId,
        detail: `expected digest ${expected}, the file gives ${found?.digest ?? 'no event of the election'}`,
      });
    }
  }
  const silent: ProjectionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const cities: CityResults[] = [];
  for (const [electionId, events] of eventsByElection) {
    const folded = foldResults(
      electionId,
      events[events.length - 1].position,
      events,
      options.logger ?? silent,
    );
    if (folded) cities.push(cityOf(folded));
  }
  return { intact: problems.length === 0, events: verifier.eventCount, problems, digests, cities };
}
