/**
 * What changed between two states of the live view, as the smallest JSON the screen can apply
 * (`applyDelta` in apps/api/src/screen/public/js/delta.js, which documents the format). Values are JSON: plain
 * objects, arrays, strings, numbers, booleans and null.
 *
 * `diff(prev, next)` is undefined when nothing changed; otherwise `applyDelta(prev, diff(prev, next))` deep-equals
 * `next` (a property spec holds both sides to it).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Must match ID_KEYS in delta.js. */
export const ID_KEYS = ['districtId', 'contestId', 'unitId', 'candidateId', 'at'] as const;

type JsonObject = { [key: string]: Json };

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function idKeyOf(array: Json[]): string | undefined {
  if (array.length === 0) return undefined;
  for (const key of ID_KEYS) {
    const seen = new Set<string>();
    const unique = array.every((element) => {
      const id = isPlainObject(element) ? element[key] : undefined;
      if (typeof id !== 'string' || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (unique) return key;
  }
  return undefined;
}

export function diff(prev: Json | undefined, next: Json): Json | undefined {
  if (prev === next) return undefined;
  if (Array.isArray(next)) return Array.isArray(prev) ? diffArrays(prev, next) : { $set: next };
  if (isPlainObject(next)) return isPlainObject(prev) ? diffObjects(prev, next) : { $set: next };
  return next;
}

function diffObjects(prev: JsonObject, next: JsonObject): Json | undefined {
  // A removed key cannot be expressed as a change of one key: the object is sent whole.
  for (const key of Object.keys(prev)) if (!Object.hasOwn(next, key)) return { $set: next };
  const out: JsonObject = {};
  let changed = false;
  for (const [key, value] of Object.entries(next)) {
    const d = diff(Object.hasOwn(prev, key) ? prev[key] : undefined, value);
    if (d === undefined) continue;
    Object.defineProperty(out, key, { value: d, enumerable: true, writable: true, configurable: true });
    changed = true;
  }
  return changed ? out : undefined;
}

function diffArrays(prev: Json[], next: Json[]): Json | undefined {
  const key = idKeyOf(prev);
  if (key === undefined || idKeyOf(next) !== key) {
    return sameJson(prev, next) ? undefined : { $set: next };
  }
  const before = new Map(prev.map((element) => [(element as JsonObject)[key] as string, element]));
  const out: JsonObject = {};
  let changed = false;
  for (const element of next) {
    const id = (element as JsonObject)[key] as string;
    const d = before.has(id) ? diff(before.get(id), element) : { $set: element };
    if (d === undefined) continue;
    Object.defineProperty(out, id, { value: d, enumerable: true, writable: true, configurable: true });
    changed = true;
  }
  const ids = next.map((element) => (element as JsonObject)[key] as string);
  if (ids.length !== prev.length || ids.some((id, i) => (prev[i] as JsonObject)[key] !== id)) {
    out.$order = ids;
    changed = true;
  }
  return changed ? out : undefined;
}

function sameJson(a: Json[], b: Json[]): boolean {
  return a.length === b.length && a.every((value, i) => diff(value, b[i]) === undefined);
}
