/**
 * Whether two plain-data values (JSON-like: objects, arrays, strings, numbers, booleans, null) are
 * equal, object key order ignored — what comparing their sorted-key JSON says, without building
 * the text: `diff` compares every resource of two plans and stops at the first difference.
 * `undefined` members count as absent, as JSON drops them.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    // JSON writes NaN and ±Infinity as null.
    const nullish = (x: unknown) => x === null || (typeof x === "number" && !Number.isFinite(x));
    return nullish(a) && nullish(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes an undefined array item as null.
    for (let i = 0; i < a.length; i++) if (!sameData(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(left)) {
    if (left[key] === undefined) continue;
    count++;
    if (!Object.hasOwn(right, key) || !sameData(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) count--;
  return count === 0;
}
