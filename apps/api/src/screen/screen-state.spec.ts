import type { LiveCorrection, LiveSnapshot, LiveUpdate } from '../live/live.contract';

/** The page's state (public/js/state.js, a browser ES module that jest compiles) against the live contract. */
interface ScreenState {
  position: number;
  districts: Map<string, { districtId: string; name: string }>;
  city: { position: number };
  corrections: LiveCorrection[];
  correctionCounts: Map<string, number>;
  timeline: Array<{ position: number }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain browser module without type declarations
const screen = require('./public/js/state.js') as {
  createState(): ScreenState;
  applySnapshot(state: ScreenState, snapshot: LiveSnapshot): boolean;
  applyUpdate(state: ScreenState, update: LiveUpdate): boolean;
};

const district = (districtId: string, name = districtId) => ({ districtId, name, contests: [] });
const city = (position: number) => ({
  electionId: 'e',
  position,
  unitsCertified: 0,
  unitsTotal: 0,
  official: false,
  contests: [],
});
const correction = (position: number, districtId = 'ba-dinh'): LiveCorrection => ({
  position,
  at: '2021-05-23T13:00:00.000Z',
  districtId,
  pollingAreaId: `${districtId}-0001`,
  contestId: 'na',
  reason: `correction ${position}`,
  actor: { id: 'admin' },
  changes: [{ field: 'validBallots', before: 10, after: 9 }],
});

function snapshot(position: number, overrides: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    electionId: 'e',
    name: 'Bầu cử',
    pollingDate: '2021-05-23',
    position,
    at: '2021-05-23T12:00:00.000Z',
    districts: [district('ba-dinh'), district('tay-ho')],
    city: city(position),
    turnout: undefined as unknown as LiveSnapshot['turnout'],
    corrections: [],
    correctionsByDistrict: {},
    timeline: [{ at: '2021-05-23T12:00:00.000Z', position, turnout: 0.1, reporting: { na: 0 } }],
    ...overrides,
  };
}

function update(fromPosition: number, position: number, overrides: Partial<LiveUpdate> = {}): LiveUpdate {
  return {
    electionId: 'e',
    fromPosition,
    position,
    at: '2021-05-23T13:00:00.000Z',
    city: { position },
    corrections: [],
    timeline: [{ at: '2021-05-23T13:00:00.000Z', position, turnout: 0.2, reporting: { na: 0.5 } }],
    ...overrides,
  };
}

describe('press-room screen state', () => {
  it('applies an update after the snapshot: touched districts, city, corrections, timeline', () => {
    const state = screen.createState();
    screen.applySnapshot(state, snapshot(10));
    const applied = screen.applyUpdate(
      state,
      update(10, 12, {
        districts: { 'tay-ho': { name: 'Tây Hồ' } },
        corrections: [correction(12, 'tay-ho')],
      }),
    );
    expect(applied).toBe(true);
    expect(state.position).toBe(12);
    expect([...state.districts.values()].map((d) => d.name)).toEqual(['ba-dinh', 'Tây Hồ']);
    expect(state.city.position).toBe(12);
    expect(state.corrections.map((c) => c.position)).toEqual([12]);
    expect(Object.fromEntries(state.correctionCounts)).toEqual({ 'tay-ho': 1 });
    expect(state.timeline.map((p) => p.position)).toEqual([10, 12]);
  });

  it('ignores an update at or below its position: a duplicate changes nothing', () => {
    const state = screen.createState();
    screen.applySnapshot(state, snapshot(10));
    const first = update(10, 12, {
      districts: { 'tay-ho': { name: 'Tây Hồ' } },
      corrections: [correction(12)],
    });
    screen.applyUpdate(state, first);
    const stale = update(8, 10, { districts: { 'tay-ho': { name: 'old' } }, corrections: [correction(9)] });
    expect(screen.applyUpdate(state, first)).toBe(false);
    expect(screen.applyUpdate(state, stale)).toBe(false);
    expect(state.position).toBe(12);
    expect(state.districts.get('tay-ho')!.name).toBe('Tây Hồ');
    expect(state.corrections.map((c) => c.position)).toEqual([12]);
    expect(Object.fromEntries(state.correctionCounts)).toEqual({ 'ba-dinh': 1 });
    expect(state.timeline.map((p) => p.position)).toEqual([10, 12]);
  });

  it('an update that starts before its position cannot apply: the page asks for a snapshot', () => {
    const state = screen.createState() as ScreenState & { outOfStep: boolean };
    screen.applySnapshot(state, snapshot(10));
    expect(screen.applyUpdate(state, update(8, 14, { districts: { 'tay-ho': { name: 'x' } } }))).toBe(false);
    expect([state.position, state.outOfStep, state.districts.get('tay-ho')!.name]).toEqual([
      10,
      true,
      'tay-ho',
    ]);
    screen.applySnapshot(state, snapshot(14));
    expect(state.outOfStep).toBe(false);
  });

  it('ignores updates until it has a snapshot', () => {
    const state = screen.createState();
    expect(screen.applyUpdate(state, update(0, 5))).toBe(false);
    expect(state.position).toBe(-1);
  });

  it('keeps the 20 newest corrections but counts every one it saw per district', () => {
    const state = screen.createState();
    screen.applySnapshot(
      state,
      snapshot(100, {
        corrections: [correction(100), correction(99, 'tay-ho')],
        correctionsByDistrict: { 'ba-dinh': 1, 'tay-ho': 1 },
      }),
    );
    for (let p = 101; p <= 125; p++)
      screen.applyUpdate(state, update(p - 1, p, { corrections: [correction(p)] }));
    expect(state.corrections).toHaveLength(20);
    expect(state.corrections[0].position).toBe(125);
    expect(state.corrections[19].position).toBe(106);
    expect(Object.fromEntries(state.correctionCounts)).toEqual({ 'ba-dinh': 26, 'tay-ho': 1 });
  });

  it("counts a district's corrections from the snapshot's counts, not only from its latest 20", () => {
    const state = screen.createState();
    const latest = Array.from({ length: 20 }, (_, i) => correction(200 - i));
    screen.applySnapshot(
      state,
      snapshot(200, { corrections: latest, correctionsByDistrict: { 'ba-dinh': 57 } }),
    );
    screen.applyUpdate(state, update(200, 201, { corrections: [correction(201)] }));
    expect(Object.fromEntries(state.correctionCounts)).toEqual({ 'ba-dinh': 58 });
  });

  it('a new snapshot (a fresh stream) replaces everything', () => {
    const state = screen.createState();
    screen.applySnapshot(state, snapshot(10, { corrections: [correction(9)] }));
    screen.applyUpdate(state, update(10, 12, { corrections: [correction(12)] }));
    screen.applySnapshot(state, snapshot(30, { districts: [district('ba-dinh')], corrections: [] }));
    expect(state.position).toBe(30);
    expect([...state.districts.keys()]).toEqual(['ba-dinh']);
    expect(state.corrections).toEqual([]);
    expect(state.correctionCounts.size).toBe(0);
    expect(state.timeline.map((p) => p.position)).toEqual([30]);
  });
});
