import { stableJson } from "./stable-json.js";

/**
 * Whether two plain-data values (JSON-like: objects, arrays, strings, numbers, booleans, null) are
 * equal, object key order ignored — what comparing their sorted-key JSON says, without building
 * the text: `diff` compares every resource of two plans (89,726 at 2,000 services) and stops at
 * the first difference. `undefined` members count as absent, as JSON drops them; anything that is
 * not a plain object or array (a class instance, a `toJSON`) is left to the JSON comparison.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null)
    return nullish(a) && nullish(b);
  const arrays = Array.isArray(a);
  if (arrays || Array.isArray(b)) {
    if (!arrays || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes an undefined array item as null.
    for (let i = 0; i < a.length; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (x !== y && !sameData(x ?? null, y ?? null)) return false;
    }
    return true;
  }
  if (!isPlain(a) || !isPlain(b)) return stableJson(a) === stableJson(b);
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // Own keys of plain objects, counted without listing them (no array per object).
  let count = 0;
  for (const key in left) {
    const x = left[key];
    if (x === undefined) continue;
    count++;
    const y = right[key];
    if (x !== y && (!Object.hasOwn(right, key) || !sameData(x, y))) return false;
  }
  for (const key in right) if (right[key] !== undefined) count--;
  return count === 0;
}

/** JSON writes NaN and ±Infinity as null. */
const nullish = (x: unknown) => x === null || (typeof x === "number" && !Number.isFinite(x));

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
