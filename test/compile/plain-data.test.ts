import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainCopy } from "../../src/compile/plain-data.js";
import { nestedValues } from "../properties/nested-values.js";

/** Manifest-like values with the things JSON drops or rewrites: undefined, functions, non-finite numbers. */
const value = nestedValues(
  fc.oneof(
    fc.constantFrom(null, undefined, true, 0, -0, Number.NaN, Number.NEGATIVE_INFINITY, () => 1),
    fc.double(),
    fc.string({ maxLength: 4 }),
  ),
);

describe("plainCopy", () => {
  it("is JSON.parse(JSON.stringify(x)), key order included", () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        const copy = plainCopy(v);
        expect(JSON.stringify(copy)).toBe(text);
        if (text !== undefined) expect(copy).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("shares nothing with its input", () => {
    const shared = { app: "x" };
    const input = { a: shared, b: [shared], when: new Date(0) };
    const copy = plainCopy(input) as { a: object; b: object[]; when: string };
    expect(copy.a).not.toBe(shared);
    expect(copy.b[0]).not.toBe(copy.a);
    expect(copy.when).toBe("1970-01-01T00:00:00.000Z");
  });

  it("copies own keys only, for null-prototype objects and class instances alike", () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: undefined, c: [2] });
    class Inherits {
      own = 1;
    }
    Object.defineProperty(Inherits.prototype, "inherited", { value: 2, enumerable: true });
    const input = { bare, instance: new Inherits() };
    expect(JSON.stringify(plainCopy(input))).toBe(JSON.stringify(input));
    expect(plainCopy(input)).toStrictEqual({ bare: { b: 1, c: [2] }, instance: { own: 1 } });
  });
});
