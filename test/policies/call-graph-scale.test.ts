import { describe, expect, it } from "vitest";
import { EMPTY_ANALYSIS } from "../../policies/lib.js";
import { RULES } from "../../policies/registry.js";
import { runPolicies } from "../../policies/run.js";
import { modelOf } from "./harness.js";

/**
 * Rules that follow calls must not walk every path: a small valid spec of layers that each call
 * every service of the next has 3^depth paths (the bad-input review's 17 layers ran past 60 s).
 * These finish in milliseconds; walking every path, the first would not finish at all.
 */
function layers(depth: number, width: number, retries: number) {
  const services: Record<string, unknown> = {};
  for (let l = 0; l < depth; l++)
    for (let w = 0; w < width; w++)
      services[`s${l}-${w}`] = {
        regions: ["eu-west-1"],
        calls:
          l + 1 < depth
            ? Array.from({ length: width }, (_, x) => ({ to: `s${l + 1}-${x}`, timeoutMs: 1000, retries }))
            : [],
      };
  return { name: "layers", services } as never;
}

const findings = (spec: never, id: string) =>
  runPolicies(modelOf(spec), EMPTY_ANALYSIS, { rules: RULES.filter((r) => r.id === id) }).findings;

describe("call-graph rules on deep, wide call graphs", () => {
  it("retry-amplification: 40 layers of 3 (3^39 paths), the worst chain through every layer", () => {
    const found = findings(layers(40, 3, 1), "retry-amplification");
    // Every entry service's every call: 3 × 3, each with a chain through all 40 layers.
    expect(found).toHaveLength(9);
    for (const f of found) expect(f.message).toContain(`= ${2 ** 39} (threshold 10)`);
  });

  it("call-cycle: none in 40 layers; a dense group of 12 is listed up to 100 cycles, then counted", () => {
    expect(findings(layers(40, 3, 0), "call-cycle")).toEqual([]);
    const dense: Record<string, unknown> = {};
    for (let i = 0; i < 12; i++)
      dense[`d${String(i).padStart(2, "0")}`] = {
        regions: ["eu-west-1"],
        calls: Array.from({ length: 12 }, (_, j) => j)
          .filter((j) => j !== i)
          .map((j) => ({ to: `d${String(j).padStart(2, "0")}`, timeoutMs: 1000 })),
      };
    const cycles = findings({ name: "dense", services: dense } as never, "call-cycle");
    expect(cycles).toHaveLength(101);
    expect(cycles[100]!.message).toMatch(/^more than 100 call cycles/);
    // And retries through the group: a chain is found, the walk bounded.
    expect(findings({ name: "dense", services: dense } as never, "retry-amplification")).toEqual([]);
  });
});
