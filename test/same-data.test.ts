import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameData } from "../src/same-data.js";
import { stableJson } from "../src/stable-json.js";
import { nestedValues } from "./properties/nested-values.js";

/** JSON-like values with some undefined members and non-finite numbers, as plans may hold. */
const value = nestedValues(
  fc.oneof(
    fc.constantFrom(null, undefined, true, false, 0, 1, Number.NaN, Number.POSITIVE_INFINITY),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom("a", "b", ""),
  ),
  fc.constantFrom("a", "b", "c", "1"),
);

/** The same keys in the reverse order, all the way down. */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  return v;
}

describe("sameData", () => {
  it("says what comparing sorted-key JSON says", () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameData(a, b)).toBe(stableJson(a) === stableJson(b));
      }),
      { numRuns: 2000 },
    );
  });

  it("ignores key order and finds a change deep inside", () => {
    fc.assert(
      fc.property(value, (a) => {
        expect(sameData(a, reordered(a))).toBe(true);
      }),
    );
    const before = { spec: { template: { spec: { containers: [{ image: "a:1", ports: [80] }] } } } };
    const after = { spec: { template: { spec: { containers: [{ image: "a:2", ports: [80] }] } } } };
    expect(sameData(before, after)).toBe(false);
    expect(sameData({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameData({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameData([1, 2], [1, 2, 3])).toBe(false);
    expect(sameData([1], { 0: 1 })).toBe(false);
  });
});
