import type { StoredEvent } from '@tally/event-store';
import { diff, type Json } from './live-delta';
import { WHOLE_VIEW, type LiveLens } from './live-lens';
import type { LiveEventName, LiveSnapshot, LiveUpdate, LiveView } from './live.contract';

/** A viewer's socket, as the channel needs it. */
export interface LiveSink {
  /** False when the socket's buffer is full: nothing more is written until `drain`. */
  write(chunk: Buffer): boolean;
  onDrain(listener: () => void): void;
  /** Cuts the connection (the client reconnects with its Last-Event-ID). */
  end(): void;
}

/** What a channel reads: the events after a position, the rows, a snapshot; LiveFeed in the api. */
export interface LiveSource {
  eventsBetween(after: number, upTo: number): Promise<StoredEvent[]>;
  /** Whether the election has any event in (after, upTo]. */
  anyEventBetween(after: number, upTo: number): Promise<boolean>;
  view(known: LiveView | undefined, events: StoredEvent[] | undefined): Promise<LiveView | null>;
  snapshot(position: number, view: LiveView): Promise<LiveSnapshot>;
  /** The corrections among the events and the timeline point after them. */
  summarize(events: StoredEvent[], next: LiveView, at: string): Pick<LiveUpdate, 'corrections' | 'timeline'>;
}

export interface LiveChannelOptions {
  updateIntervalMs: number;
  slowClientMs: number;
  historyBytes: number;
  now?: () => number;
}

export interface LiveStats {
  updates: number;
  updatesSent: number;
  snapshotsSent: number;
  bytesSent: number;
  viewersCut: number;
}

/** One update as every viewer receives it: the events it covers are those in (from, id]; the channel was at `to`. */
interface Entry {
  from: number;
  id: number;
  to: number;
  chunk: Buffer;
}

/** A lens of the channel with its own view, recent updates and snapshot (see LiveLens). */
interface Lens {
  lens: LiveLens;
  /** What the lens shows of the channel's view at the channel's position. */
  view: LiveView;
  ring: Entry[];
  ringBytes: number;
  /** The ring covers every event of the election after this position. */
  ringStart: number;
  cached: { position: number; chunk: Promise<Buffer> } | undefined;
}

interface Viewer {
  sink: LiveSink;
  lens: Lens;
  /** The channel's position whose state the viewer holds (undefined: waiting for its snapshot). */
  position: number | undefined;
  /** A new viewer's snapshot must cover at least this position (everything written before it connected). */
  atLeast: number;
  waitingSince: number;
  congestedSince: number | undefined;
  sendingSnapshot: boolean;
}

const EVENT_PREFIX = (event: LiveEventName, id: number) => `id: ${id}\nevent: ${event}\ndata: `;

export function sseMessage(event: LiveEventName, id: number, data: unknown): Buffer {
  return Buffer.from(`${EVENT_PREFIX(event, id)}${JSON.stringify(data)}\n\n`, 'utf8');
}

/**
 * The live stream of one election in this process: one update per read-model advance (at most one per
 * `updateIntervalMs`), computed once, serialised once and written as the same bytes to every viewer. It keeps the
 * recent updates (up to `historyBytes`) so a viewer that fell behind, or reconnects with Last-Event-ID, gets the
 * updates it missed; otherwise it gets a snapshot, cached per position. A viewer whose socket stays full longer
 * than `slowClientMs` is cut: the server never holds more than one message (or one catch-up) per viewer. A
 * viewer of one contest (a LiveLens) gets the same from the lens: one update per lens, derived from the channel's.
 */
export class LiveChannel {
  private readonly viewers = new Set<Viewer>();
  /** By lens key: the whole view, and each lens a viewer asked for since the channel started. */
  private readonly lenses = new Map<string, Lens>();
  private target: number;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRun = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly now: () => number;

  constructor(
    readonly electionId: string,
    private position: number,
    private view: LiveView,
    private readonly source: LiveSource,
    private readonly options: LiveChannelOptions,
    readonly stats: LiveStats,
    private readonly onError: (error: unknown) => void,
  ) {
    this.target = position;
    this.now = options.now ?? Date.now;
    this.lensOf(WHOLE_VIEW);
  }

  get size(): number {
    return this.viewers.size;
  }

  get at(): number {
    return this.position;
  }

  /**
   * A new viewer. With `resume` (its Last-Event-ID) it gets the updates after it when the ring still covers them,
   * else a snapshot; without, a snapshot at `atLeast` or later. It sees what `lens` shows (all of it by default).
   * Returns the function that detaches it.
   */
  attach(sink: LiveSink, start: { resume: number } | { atLeast: number }, lens = WHOLE_VIEW): () => void {
    const viewer: Viewer = {
      sink,
      lens: this.lensOf(lens),
      position: 'resume' in start ? start.resume : undefined,
      atLeast: 'atLeast' in start ? start.atLeast : Number.NEGATIVE_INFINITY,
      waitingSince: this.now(),
      congestedSince: undefined,
      sendingSnapshot: false,
    };
    this.viewers.add(viewer);
    sink.onDrain(() => {
      viewer.congestedSince = undefined;
      this.sync(viewer);
    });
    this.sync(viewer);
    return () => this.viewers.delete(viewer);
  }

  /** The read models have reached `position`. */
  advance(position: number): void {
    if (position <= this.target) return;
    this.target = position;
    this.schedule();
  }

  /** Heartbeat for every viewer that is up to date; cuts the slow ones; sends waiting snapshots that are overdue. */
  tick(comment: Buffer | undefined, waitLimitMs: number): void {
    const now = this.now();
    for (const viewer of [...this.viewers]) {
      if (viewer.congestedSince !== undefined) {
        if (now - viewer.congestedSince > this.options.slowClientMs) this.cut(viewer);
        continue;
      }
      if (viewer.position === undefined) {
        if (now - viewer.waitingSince > waitLimitMs) {
          viewer.atLeast = Number.NEGATIVE_INFINITY;
          this.sync(viewer);
        }
        continue;
      }
      if (comment) this.write(viewer, comment);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const viewer of [...this.viewers]) viewer.sink.end();
    this.viewers.clear();
  }

  private schedule(): void {
    if (this.closed || this.busy || this.timer || this.target <= this.position) return;
    const wait = Math.max(0, this.lastRun + this.options.updateIntervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (this.closed || this.busy) return;
    this.busy = true;
    this.lastRun = this.now();
    try {
      const upTo = this.target;
      const events = await this.source.eventsBetween(this.position, upTo);
      if (events.length === 0) {
        this.position = upTo;
      } else {
        const next = await this.source.view(this.view, events);
        // The rows are gone (a projection rebuilding): keep the position and try again later.
        if (!next) return this.retryLater();
        this.publish(upTo, events, next);
      }
      for (const viewer of this.viewers) this.sync(viewer);
    } catch (error) {
      this.onError(error);
    } finally {
      this.busy = false;
    }
    this.schedule();
  }

  private retryLater(): void {
    this.busy = false;
    setTimeout(() => this.schedule(), 1000).unref();
  }

  /** The channel's state of `lens`, started at the channel's position when a viewer first asks for it. */
  private lensOf(lens: LiveLens): Lens {
    let state = this.lenses.get(lens.key);
    if (!state) {
      state = {
        lens,
        view: lens.apply(this.view),
        ring: [],
        ringBytes: 0,
        ringStart: this.position,
        cached: undefined,
      };
      this.lenses.set(lens.key, state);
    }
    return state;
  }

  private publish(upTo: number, events: StoredEvent[], next: LiveView): void {
    const id = events[events.length - 1].position;
    const at = new Date(this.now()).toISOString();
    const summary = this.source.summarize(events, next, at);
    for (const lens of this.lenses.values()) {
      const shown = lens.lens.apply(next);
      const delta = (key: keyof LiveView) =>
        diff(lens.view[key] as unknown as Json, shown[key] as unknown as Json);
      const [districts, city, turnout] = [delta('districts'), delta('city'), delta('turnout')];
      const update: LiveUpdate = {
        electionId: this.electionId,
        position: id,
        fromPosition: this.position,
        at,
        ...(districts !== undefined ? { districts } : {}),
        ...(city !== undefined ? { city } : {}),
        ...(turnout !== undefined ? { turnout } : {}),
        ...summary,
      };
      const entry: Entry = { from: this.position, id, to: upTo, chunk: sseMessage('update', id, update) };
      lens.ring.push(entry);
      lens.ringBytes += entry.chunk.length;
      while (lens.ring.length > 1 && lens.ringBytes > this.options.historyBytes) {
        const dropped = lens.ring.shift()!;
        lens.ringBytes -= dropped.chunk.length;
        lens.ringStart = lens.ring[0].from;
      }
      lens.view = shown;
    }
    this.view = next;
    this.position = upTo;
    this.stats.updates += 1;
  }

  /** Brings one viewer up to the channel: the updates it lacks (one write), or a snapshot. */
  private sync(viewer: Viewer): void {
    if (!this.viewers.has(viewer) || viewer.congestedSince !== undefined || viewer.sendingSnapshot) return;
    if (viewer.position === undefined) {
      if (this.position >= viewer.atLeast) void this.sendSnapshot(viewer);
      return;
    }
    if (viewer.position < viewer.lens.ringStart) {
      void this.resumeBefore(viewer, viewer.position);
      return;
    }
    const missed = entriesAfter(viewer.lens.ring, viewer.position);
    if (missed.length === 0) return;
    if (missed[0].from < viewer.position) {
      void this.sendSnapshot(viewer);
      return;
    }
    const chunk = missed.length === 1 ? missed[0].chunk : Buffer.concat(missed.map((e) => e.chunk));
    viewer.position = missed[missed.length - 1].to;
    this.stats.updatesSent += missed.length;
    this.write(viewer, chunk);
  }

  /**
   * A viewer at a position the ring does not reach back to: when the election had no event since, its state is
   * the ring's start; otherwise it needs a snapshot.
   */
  private async resumeBefore(viewer: Viewer, position: number): Promise<void> {
    viewer.sendingSnapshot = true;
    const start = viewer.lens.ringStart;
    let quiet: boolean;
    try {
      quiet = !(await this.source.anyEventBetween(position, start));
    } catch (error) {
      this.onError(error);
      this.cut(viewer);
      return;
    } finally {
      viewer.sendingSnapshot = false;
    }
    if (!this.viewers.has(viewer)) return;
    if (quiet && viewer.position === position) {
      viewer.position = start;
      this.sync(viewer);
    } else {
      void this.sendSnapshot(viewer);
    }
  }

  private async sendSnapshot(viewer: Viewer): Promise<void> {
    viewer.sendingSnapshot = true;
    try {
      const position = this.position;
      const chunk = await this.snapshotChunk(viewer.lens);
      if (!this.viewers.has(viewer)) return;
      viewer.position = position;
      this.stats.snapshotsSent += 1;
      this.write(viewer, chunk);
    } catch (error) {
      this.onError(error);
      this.cut(viewer);
      return;
    } finally {
      viewer.sendingSnapshot = false;
    }
    this.sync(viewer);
  }

  /** One snapshot per position and lens, serialised once, whoever asks. */
  private snapshotChunk(lens: Lens): Promise<Buffer> {
    if (lens.cached?.position !== this.position) {
      const position = this.position;
      const chunk = this.source
        .snapshot(position, lens.view)
        .then((snapshot) => sseMessage('snapshot', position, snapshot));
      chunk.catch(() => {
        if (lens.cached?.chunk === chunk) lens.cached = undefined;
      });
      lens.cached = { position, chunk };
    }
    return lens.cached.chunk;
  }

  private write(viewer: Viewer, chunk: Buffer): void {
    this.stats.bytesSent += chunk.length;
    if (!viewer.sink.write(chunk)) viewer.congestedSince ??= this.now();
  }

  private cut(viewer: Viewer): void {
    this.viewers.delete(viewer);
    this.stats.viewersCut += 1;
    viewer.sink.end();
  }
}

/** The entries of `ring` (in position order) after `position`. */
function entriesAfter(ring: Entry[], position: number): Entry[] {
  let lo = 0;
  let hi = ring.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ring[mid].id <= position) lo = mid + 1;
    else hi = mid;
  }
  return ring.slice(lo);
}
