import fc from 'fast-check';
import { diff, type Json } from './live-delta';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain browser module without type declarations
const browser = require('../screen/public/js/delta.js') as {
  applyDelta(prev: unknown, delta: unknown): unknown;
};

/** What the wire does to a delta: the screen applies the parsed JSON, never the server's object. */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// Ids from a small pool, so two generated states share most of their elements (and sometimes reorder them).
const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'constructor', 'na-01-1');
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom(0.25, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('x', 'y'),
);
const { tree } = fc.letrec<{ tree: Json; keyed: Json }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.dictionary(fc.constantFrom('votes', 'share', 'elected', 'name', 'units', 'candidates'), tie('tree'), {
      maxKeys: 4,
    }),
    fc.array(tie('tree'), { maxLength: 3 }),
    tie('keyed'),
  ),
  keyed: fc
    .uniqueArray(id, { maxLength: 5 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((candidateId) =>
          fc
            .dictionary(fc.constantFrom('votes', 'share', 'candidates'), tie('tree'), { maxKeys: 3 })
            .map((rest) => ({ ...rest, candidateId }) as Json),
        ),
      ),
    ),
}));

/** A live view: districts, city units with candidates, turnout — keyed arrays nested three deep. */
const candidates = fc
  .uniqueArray(id, { maxLength: 5 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((candidateId) =>
        fc.record({ candidateId: fc.constant(candidateId), votes: fc.nat(9), elected: fc.boolean() }),
      ),
    ),
  );
const view = fc.record({
  position: fc.nat(100),
  districts: fc
    .uniqueArray(id, { maxLength: 4 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((districtId) =>
          fc.record({ districtId: fc.constant(districtId), reported: fc.nat(3), certified: fc.option(leaf) }),
        ),
      ),
    ),
  city: fc.record({
    contests: fc.tuple(
      fc.record({
        contestId: fc.constant('na'),
        units: fc
          .uniqueArray(id, { maxLength: 3 })
          .chain((ids) =>
            fc.tuple(
              ...ids.map((unitId) =>
                fc.record({ unitId: fc.constant(unitId), seats: fc.nat(3), candidates }),
              ),
            ),
          ),
      }),
    ),
  }),
}) as fc.Arbitrary<Json>;

describe('live deltas', () => {
  it('applied to the previous state, a delta gives the next state (any JSON)', () => {
    fc.assert(
      fc.property(tree, tree, (prev, next) => {
        const d = diff(prev, next);
        const applied = d === undefined ? prev : browser.applyDelta(overTheWire(prev), overTheWire(d));
        expect(applied).toEqual(next);
      }),
      { numRuns: 2000 },
    );
  });

  it('applied to the previous live view, a delta gives the next one; an unchanged view gives no delta', () => {
    fc.assert(
      fc.property(view, view, (prev, next) => {
        expect(diff(prev, prev)).toBeUndefined();
        const d = diff(prev, next);
        const applied = d === undefined ? prev : browser.applyDelta(overTheWire(prev), overTheWire(d));
        expect(applied).toEqual(next);
      }),
      { numRuns: 2000 },
    );
  });

  it('carries only what changed: one candidate’s votes, not the unit or the city', () => {
    const unit = (votes: number) => ({
      unitId: 'na-01',
      name: 'Đơn vị bầu cử số 1',
      candidates: [
        { candidateId: 'na-01-1', name: 'Nguyễn Văn A', votes: 10 },
        { candidateId: 'na-01-2', name: 'Trần Thị B', votes },
      ],
    });
    expect(diff({ units: [unit(5)] }, { units: [unit(7)] })).toEqual({
      units: { 'na-01': { candidates: { 'na-01-2': { votes: 7 } } } },
    });
    // overtaking reorders the list: the new order goes with it
    expect(
      diff(
        { units: [unit(5)] },
        { units: [{ ...unit(11), candidates: [...unit(11).candidates].reverse() }] },
      ),
    ).toEqual({
      units: { 'na-01': { candidates: { 'na-01-2': { votes: 11 }, $order: ['na-01-2', 'na-01-1'] } } },
    });
  });
});
