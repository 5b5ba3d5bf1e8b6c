import type { StoredEvent } from '@tally/event-store';
import { LiveChannel, type LiveSink, type LiveSource, type LiveStats } from './live-channel';
import { contestLens } from './live-lens';
import type { LiveSnapshot, LiveView } from './live.contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the screen's browser module, compiled by jest
const { applyDelta } = require('../screen/public/js/delta.js') as { applyDelta<T>(p: T, d: unknown): T };

/**
 * The channel's bookkeeping, with a scripted log: a view is a function of the position, so every expectation is
 * "the viewer ends up holding the view at the channel's position". The feed's real queries are covered by
 * test/e2e/live*.e2e.spec.ts.
 */
const ELECTION = 'e';

function viewAt(position: number): LiveView {
  return {
    districts: [
      {
        districtId: 'ba-dinh',
        name: 'Ba Đình',
        contests: [
          { contestId: 'na', name: 'NA', kind: null, ...totals(position) },
          { contestId: 'hn', name: 'HN', kind: null, ...totals(Math.floor(position / 2)) },
        ],
      },
      {
        districtId: 'tay-ho',
        name: 'Tây Hồ',
        contests: [{ contestId: 'na', name: 'NA', kind: null, ...totals(position % 2) }],
      },
    ],
    city: {
      electionId: ELECTION,
      position,
      unitsCertified: 0,
      unitsTotal: 2,
      official: false,
      contests: [
        {
          contestId: 'na',
          ...totals(position),
          units: [{ unitId: 'na-01', candidates: [{ candidateId: 'a', votes: position }] }],
        },
        {
          contestId: 'hn',
          ...totals(position % 3),
          units: [{ unitId: 'hn-01', candidates: [{ candidateId: 'b', votes: position % 3 }] }],
        },
      ],
    } as unknown as LiveView['city'],
    turnout: {
      electionId: ELECTION,
      position: 0,
      city: undefined,
      districts: [],
    } as unknown as LiveView['turnout'],
  };
}

function totals(n: number) {
  return {
    pollingAreasReported: n,
    pollingAreasHeld: 0,
    pollingAreasUnverified: 0,
    pollingAreasExpected: 100,
    registeredVoters: n * 10,
    votersVoted: n * 9,
    turnout: 0.9,
    validBallots: n * 8,
    invalidBallots: n,
  };
}

class ScriptedLog implements LiveSource {
  positions: number[] = [];
  reads = 0;
  eventsBetween(after: number, upTo: number): Promise<StoredEvent[]> {
    this.reads += 1;
    return Promise.resolve(
      this.positions
        .filter((p) => p > after && p <= upTo)
        .map((position) => ({ position, type: 'TallySubmitted' }) as StoredEvent),
    );
  }
  anyEventBetween(after: number, upTo: number): Promise<boolean> {
    return Promise.resolve(this.positions.some((p) => p > after && p <= upTo));
  }
  view(_known: LiveView | undefined, events: StoredEvent[] | undefined): Promise<LiveView> {
    const last = events?.length ? events[events.length - 1].position : 0;
    return Promise.resolve(viewAt(last));
  }
  snapshot(position: number, view: LiveView): Promise<LiveSnapshot> {
    return Promise.resolve({
      electionId: ELECTION,
      name: 'E',
      pollingDate: '2021-05-23',
      position,
      at: '',
      ...view,
      corrections: [],
      correctionsByDistrict: {},
      timeline: [],
    });
  }
  summarize() {
    return { corrections: [], timeline: [] };
  }
}

/** A socket as the channel sees it: `full` makes writes report a full buffer until `drain()`. */
class TestSink implements LiveSink {
  chunks: Buffer[] = [];
  full = false;
  ended = false;
  private drainListener: (() => void) | undefined;
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
  onDrain(listener: () => void): void {
    this.drainListener = listener;
  }
  drain(): void {
    this.full = false;
    this.drainListener?.();
  }
  end(): void {
    this.ended = true;
  }
  /** The messages received, parsed like an EventSource would. */
  get messages(): Array<{ id: number; event: string; data: { position: number; fromPosition?: number } }> {
    return Buffer.concat(this.chunks)
      .toString('utf8')
      .split('\n\n')
      .filter((block) => block.startsWith('id: '))
      .map((block) => {
        const [id, event, data] = block.split('\n');
        return { id: Number(id.slice(4)), event: event.slice(7), data: JSON.parse(data.slice(6)) };
      });
  }
  /** The view the client holds after its messages. */
  held(): { position: number; view: LiveView } {
    let state: { position: number; view: LiveView } | undefined;
    for (const m of this.messages) {
      const d = m.data as unknown as LiveSnapshot & Record<string, unknown>;
      if (m.event === 'snapshot')
        state = { position: m.id, view: { districts: d.districts, city: d.city, turnout: d.turnout } };
      else {
        if (!state) throw new Error('update before snapshot');
        expect(d.fromPosition as number).toBeGreaterThanOrEqual(state.position);
        state = {
          position: m.id,
          view: {
            districts:
              d.districts === undefined
                ? state.view.districts
                : applyDelta(state.view.districts, d.districts),
            city: d.city === undefined ? state.view.city : applyDelta(state.view.city, d.city),
            turnout: d.turnout === undefined ? state.view.turnout : applyDelta(state.view.turnout, d.turnout),
          },
        };
      }
    }
    if (!state) throw new Error('no snapshot');
    return state;
  }
}

const stats = (): LiveStats => ({
  updates: 0,
  updatesSent: 0,
  snapshotsSent: 0,
  bytesSent: 0,
  viewersCut: 0,
});
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

function channel(log: ScriptedLog, options: Partial<{ historyBytes: number; slowClientMs: number }> = {}) {
  let now = 1_000;
  const errors: unknown[] = [];
  const c = new LiveChannel(
    ELECTION,
    0,
    viewAt(0),
    log,
    {
      updateIntervalMs: 0,
      slowClientMs: options.slowClientMs ?? 1_000,
      historyBytes: options.historyBytes ?? 1e6,
      now: () => now,
    },
    stats(),
    (e) => errors.push(e),
  );
  return {
    c,
    errors,
    advanceClock: (ms: number) => (now += ms),
    async append(...positions: number[]) {
      log.positions.push(...positions);
      c.advance(Math.max(...positions));
      await new Promise((r) => setTimeout(r, 5));
      await settle();
    },
  };
}

describe('LiveChannel', () => {
  it('two viewers get byte-identical updates, computed once whatever the number of viewers', async () => {
    const log = new ScriptedLog();
    const { c, append } = channel(log);
    const a = new TestSink();
    const b = new TestSink();
    c.attach(a, { atLeast: 0 });
    c.attach(b, { atLeast: 0 });
    await settle();
    const many = Array.from({ length: 50 }, () => new TestSink());
    for (const sink of many) c.attach(sink, { atLeast: 0 });
    await settle();
    const readsBefore = log.reads;
    for (let p = 1; p <= 5; p++) await append(p * 3);
    expect(log.reads - readsBefore).toBe(5);
    const updates = (s: TestSink) => s.chunks.filter((chunk) => chunk.toString().includes('event: update'));
    expect(updates(a)).toHaveLength(5);
    expect(Buffer.concat(updates(a)).equals(Buffer.concat(updates(b)))).toBe(true);
    // the very same buffers: serialised once
    expect(updates(many[49])[4]).toBe(updates(a)[4]);
    expect(a.held()).toEqual({ position: 15, view: viewAt(15) });
  });

  it('a viewer of one contest gets that contest alone, from the same reads, the same bytes as its peers', async () => {
    const log = new ScriptedLog();
    const { c, append } = channel(log);
    const na = contestLens('na');
    const whole = new TestSink();
    const a = new TestSink();
    const b = new TestSink();
    c.attach(whole, { atLeast: 0 });
    c.attach(a, { atLeast: 0 }, na);
    await settle();
    await append(1);
    // a viewer of the same contest that comes later: its snapshot is the lens' at the channel's position
    c.attach(b, { atLeast: 0 }, contestLens('na'));
    await settle();
    const readsBefore = log.reads;
    for (const p of [2, 4, 5, 9]) await append(p);
    expect(log.reads - readsBefore).toBe(4);
    expect(whole.held()).toEqual({ position: 9, view: viewAt(9) });
    expect(a.held()).toEqual({ position: 9, view: na.apply(viewAt(9)) });
    expect(b.held()).toEqual({ position: 9, view: na.apply(viewAt(9)) });
    const shown = a.held().view;
    expect(shown.city.contests.map((x) => x.contestId)).toEqual(['na']);
    expect(shown.districts.map((d) => d.contests.map((x) => x.contestId))).toEqual([['na'], ['na']]);
    const updates = (s: TestSink) => s.chunks.filter((chunk) => chunk.toString().includes('event: update'));
    const last = (s: TestSink) => updates(s)[updates(s).length - 1];
    expect(last(b)).toBe(last(a));
    expect(last(a).length).toBeLessThan(last(whole).length);
    // a viewer of the contest cut and resuming gets the lens' updates it missed, no snapshot
    const lastId = a.messages[a.messages.length - 1].id;
    const readBefore = [...a.chunks];
    await append(11, 12);
    const again = new TestSink();
    c.attach(again, { resume: lastId }, contestLens('na'));
    await settle();
    expect(again.messages.map((m) => m.event)).toEqual(['update']);
    const resumed = new TestSink();
    resumed.chunks = [...readBefore, ...again.chunks];
    expect(resumed.held()).toEqual({ position: 12, view: na.apply(viewAt(12)) });
  });

  it('a slow viewer gets nothing while its socket is full, then one catch-up of what it missed', async () => {
    const { c, append } = channel(new ScriptedLog());
    const slow = new TestSink();
    c.attach(slow, { atLeast: 0 });
    await settle();
    slow.full = true;
    await append(1);
    const written = slow.chunks.length;
    await append(2);
    await append(3);
    expect(slow.chunks.length).toBe(written);
    slow.drain();
    await settle();
    expect(slow.chunks.length).toBe(written + 1);
    expect(slow.held()).toEqual({ position: 3, view: viewAt(3) });
  });

  it('a viewer stuck longer than slowClientMs is cut, and resumes with its Last-Event-ID without loss', async () => {
    const log = new ScriptedLog();
    const { c, append, advanceClock } = channel(log, { slowClientMs: 500 });
    const slow = new TestSink();
    c.attach(slow, { atLeast: 0 });
    await settle();
    await append(1);
    slow.full = true;
    await append(2);
    advanceClock(400);
    c.tick(undefined, 5_000);
    expect(slow.ended).toBe(false);
    advanceClock(200);
    c.tick(undefined, 5_000);
    expect([slow.ended, c.size, c.stats.viewersCut]).toEqual([true, 0, 1]);
    await append(4, 5);
    // the client reconnects with the id of the last message it read in full
    const lastId = slow.messages[slow.messages.length - 1].id;
    const again = new TestSink();
    c.attach(again, { resume: lastId });
    await settle();
    expect(again.messages.every((m) => m.event === 'update' && m.id > lastId)).toBe(true);
    const held = slow.held();
    const resumed = new TestSink();
    resumed.chunks = [...slow.chunks, ...again.chunks];
    expect(resumed.held()).toEqual({ position: 5, view: viewAt(5) });
    expect(held.position).toBe(lastId);
  });

  it('a resume older than its history gets a snapshot; one with no event since the history began does not', async () => {
    const log = new ScriptedLog();
    const { c, append } = channel(log, { historyBytes: 1 });
    await append(1);
    await append(2);
    await append(3);
    const old = new TestSink();
    c.attach(old, { resume: 1 });
    await settle();
    expect(old.messages.map((m) => m.event)).toEqual(['snapshot']);
    expect(old.held()).toEqual({ position: 3, view: viewAt(3) });
    // only the last update is kept (1 byte of history): a client at 2 still resumes with updates
    const recent = new TestSink();
    c.attach(recent, { resume: 2 });
    await settle();
    expect(recent.messages.map((m) => [m.event, m.id])).toEqual([['update', 3]]);
  });

  it('a new viewer waits for a snapshot that covers what was written before it connected', async () => {
    const log = new ScriptedLog();
    const { c, append } = channel(log);
    log.positions.push(7);
    const late = new TestSink();
    c.attach(late, { atLeast: 7 });
    await settle();
    expect(late.chunks).toHaveLength(0);
    await append(7);
    expect(late.messages.map((m) => [m.event, m.id])).toEqual([['snapshot', 7]]);
  });
});
