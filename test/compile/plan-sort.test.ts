import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../src/compile/plan.js";
import { sortResources } from "../../src/compile/plan.js";

/** The plain sort the grouped one must equal: one stable sort comparing all four fields. */
const plainSort = (resources: readonly PlannedResource[]) =>
  [...resources].sort(
    (a, b) =>
      a.provider.localeCompare(b.provider) ||
      a.region.localeCompare(b.region) ||
      a.type.localeCompare(b.type) ||
      a.name.localeCompare(b.name),
  );

// Few values per field, with case, punctuation and canonically equivalent texts ("é" composed and
// decomposed) that localeCompare calls equal.
const text = (values: readonly string[]) => fc.constantFrom(...values);
const resource = fc.record({
  provider: text(["kubernetes", "aws"]),
  region: text(["eu-west-1", "eu-west-10", "euwest1", "us-east-1", "caf\u00e9", "cafe\u0301"]),
  type: text([
    "kubernetes:core/v1:Service",
    "kubernetes:apps/v1:StatefulSet",
    "aws:s3/bucket:Bucket",
    "A",
    "a",
  ]),
  name: text(["a", "A", "a-b", "ab", "a_b", "b", "x/1", "x/10", "x/2", "caf\u00e9", "cafe\u0301"]),
  component: fc.string({ maxLength: 3 }),
});

describe("sortResources", () => {
  it("orders like one stable sort of provider, region, type and name", () => {
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 60 }), (items) => {
        const resources = items.map((r) => ({ ...r, inputs: {} }) as PlannedResource);
        const sorted = sortResources(resources);
        const expected = plainSort(resources);
        // The same objects in the same places (identity, not only equal fields).
        expect(sorted.length).toBe(expected.length);
        expect(sorted.every((r, i) => r === expected[i])).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
