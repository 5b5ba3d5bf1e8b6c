// Applies a live-stream delta (apps/api/src/live/live-delta.ts builds them) to the state it was computed against.
// The format, for a value `prev` and a delta `d`:
//   - `d` is not a plain object (a number, string, boolean, null): the new value is `d`;
//   - `{ "$set": v }`: the new value is `v`;
//   - `prev` is an array of objects keyed by an id field (see ID_KEYS): `d` maps ids to deltas of their elements
//     (an unknown id gets `{ "$set": element }`), and `"$order"`, when present, lists the ids of the new array;
//   - `prev` is a plain object: `d` maps the changed keys to their deltas (keys absent from `d` are unchanged).

/** Fields that identify an element of an array, in the order they are tried; the first one unique in every element wins. */
export const ID_KEYS = ['districtId', 'contestId', 'unitId', 'candidateId', 'at'];

export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id field of an array of objects, or undefined when no field of ID_KEYS identifies its elements. */
export function idKeyOf(array) {
  if (!Array.isArray(array) || array.length === 0) return undefined;
  for (const key of ID_KEYS) {
    const seen = new Set();
    let ok = true;
    for (const element of array) {
      const id = isPlainObject(element) ? element[key] : undefined;
      if (typeof id !== 'string' || seen.has(id)) {
        ok = false;
        break;
      }
      seen.add(id);
    }
    if (ok) return key;
  }
  return undefined;
}

export function applyDelta(prev, d) {
  if (!isPlainObject(d)) return d;
  if ('$set' in d) return d.$set;
  if (Array.isArray(prev)) {
    const key = idKeyOf(prev);
    const byId = new Map(prev.map((element) => [element[key], element]));
    const order = d.$order ?? prev.map((element) => element[key]);
    return order.map((id) => (hasOwn(d, id) ? applyDelta(byId.get(id), d[id]) : byId.get(id)));
  }
  const next = { ...(isPlainObject(prev) ? prev : {}) };
  for (const [k, v] of Object.entries(d)) {
    // defineProperty: a key named like an inherited member ("constructor", "__proto__") stays a plain own key.
    Object.defineProperty(next, k, {
      value: applyDelta(hasOwn(next, k) ? next[k] : undefined, v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return next;
}

function hasOwn(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** part / whole with 4 decimals, 0 without a whole: the results endpoints' own rule (libs/read-models). */
export function ratio(part, whole) {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0;
}

function withTurnout(totals) {
  return { ...totals, turnout: ratio(totals.votersVoted, totals.registeredVoters) };
}

/**
 * The live view carries counts, not the ratios derived from them (they would change in every update): this adds
 * `turnout` to every district contest, city contest and unit, and `share` to every candidate of a unit, so the
 * view has the shapes of the results endpoints, with the same numbers.
 */
export function withRatios(view) {
  return {
    ...view,
    districts: view.districts.map((d) => ({ ...d, contests: d.contests.map(withTurnout) })),
    city: {
      ...view.city,
      contests: view.city.contests.map((contest) => ({
        ...withTurnout(contest),
        units: contest.units.map((unit) => ({
          ...withTurnout(unit),
          candidates: unit.candidates.map((c) => ({ ...c, share: ratio(c.votes, unit.validBallots) })),
        })),
      })),
    },
  };
}
