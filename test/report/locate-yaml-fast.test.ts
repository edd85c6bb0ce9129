import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { generateTopology } from "../../bench/generate.js";
import type { PathSegment } from "../../src/diagnostics/diagnostic.js";
import { documentLocator } from "../../src/report/locate/yaml.js";
import { fastYamlLocator } from "../../src/report/locate/yaml-fast.js";
import { nestedValues } from "../properties/nested-values.js";

/** Every path into a value, plus one step past each leaf (a default the spec does not write). */
function paths(value: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(value))
    value.forEach((v, i) => {
      paths(v, [...prefix, i], out);
    });
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  else out.push([...prefix, "missing"]);
  return out;
}

/** Where the fast locator answers (it must for block style, the way specs are written), it agrees. */
function sameAsDocument(text: string, value: unknown, mustAnswer = true) {
  const fast = fastYamlLocator(text);
  if (fast === undefined && !mustAnswer) return;
  expect(fast).toBeDefined();
  const full = documentLocator(text);
  for (const path of paths(value)) expect(fast!(path), JSON.stringify(path)).toEqual(full(path));
}

describe("fast YAML locator", () => {
  it("finds every path where the yaml package's Document does", () => {
    const json = nestedValues(
      fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null)),
      fc.string({ minLength: 1, maxLength: 4 }),
    );
    const doc = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), json, { minKeys: 1 });
    fc.assert(
      fc.property(doc, fc.boolean(), (value, flow) => {
        sameAsDocument(stringify(value, flow ? { collectionStyle: "flow" } : {}), value, !flow);
      }),
      { numRuns: 500 },
    );
  });

  it("finds every path of the example stack and a generated topology", () => {
    const stack = readFileSync("stacks/edge-cache.yaml", "utf8");
    sameAsDocument(stack, parse(stack));
    const spec = generateTopology({ seed: 2, services: 20, partitions: 100, regions: 6 });
    sameAsDocument(stringify(spec), spec);
  });

  it("gives way to the Document for what it cannot pair up", () => {
    expect(fastYamlLocator("? [a, b]\n: 1\n")).toBeUndefined();
    expect(fastYamlLocator("a: [1, 2\n")).toBeUndefined();
  });
});
