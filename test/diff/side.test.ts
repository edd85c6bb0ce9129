import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { diffSide } from "../../src/diff/side.js";
import { topologyFromData } from "../../src/pipeline.js";
import { scenarioCases } from "../golden/diff-scenarios.js";

/**
 * `diff`'s second side is analysed against the first (diffSide with `before`): for every example
 * stack and realistic change, in both directions, its analysis and findings are those of the
 * side made from scratch (key order included: diff --format json prints them).
 */
const cases = await scenarioCases();

describe("diffSide against the other side equals diffSide alone", () => {
  it.each(cases)("stacks/%s: %s", (_file, _scenario, spec, data) => {
    const original = topologyFromData(spec);
    const changed = topologyFromData({ ...spec, data });
    for (const [from, to] of [
      [original, changed],
      [changed, original],
    ] as const) {
      const before = diffSide(from);
      const after = diffSide(to, { before });
      const alone = diffSide(to);
      expect(JSON.stringify(after.analysis)).toBe(JSON.stringify(analyse(to.model)));
      expect(JSON.stringify(after.findings)).toBe(JSON.stringify(alone.findings));
      expect(JSON.stringify(after.plan)).toBe(JSON.stringify(alone.plan));
    }
  });
});
