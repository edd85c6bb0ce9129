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

describe("call-graph rules: budgets and counts", () => {
  const svc = (calls: { to: string; retries?: number }[]) => ({
    regions: ["eu-west-1"],
    calls: calls.map((c) => ({ timeoutMs: 1000, retries: 0, ...c })),
  });

  it("retry-amplification: a dense group elsewhere does not spend another entry call's budget", () => {
    // r2 → x ↔ y → z multiplies 3 × 4 × 4 = 48; ten services calling each other, entered first by r1.
    const services: Record<string, unknown> = {
      r1: svc([{ to: "d0" }]),
      r2: svc([{ to: "x", retries: 2 }]),
      x: svc([{ to: "y", retries: 3 }]),
      y: svc([{ to: "x" }, { to: "z", retries: 3 }]),
      z: svc([]),
    };
    for (let i = 0; i < 10; i++)
      services[`d${i}`] = svc(
        Array.from({ length: 10 }, (_, j) => ({ to: `d${j}` })).filter((_, j) => j !== i),
      );
    const found = findings({ name: "budget", services } as never, "retry-amplification");
    expect(found.map((f) => f.message)).toEqual([
      "call path r2 → x → y → z multiplies attempts 3 × 4 × 4 = 48 (threshold 10): one failing z request becomes 48",
    ]);
  });

  it("call-cycle: exactly 100 cycles are listed, with no 'more' finding, a call made twice counted once", () => {
    // Validation refuses a callee listed twice; the rule is also run on models built by hand.
    const bs = Array.from({ length: 100 }, (_, i) => `b${String(i).padStart(3, "0")}`);
    const call = (to: string) => ({ to, retries: 0 });
    const services = [
      { name: "a", path: "services.a", calls: [...bs.map(call), call(bs[99]!)] },
      ...bs.map((name) => ({ name, path: `services.${name}`, calls: [call("a")] })),
    ];
    const model = { services, datastores: [], streams: [], links: [] } as never;
    const cycles = RULES.find((r) => r.id === "call-cycle")!.check(model, EMPTY_ANALYSIS, {});
    expect(cycles).toHaveLength(100);
    expect(cycles.some((f) => f.message.startsWith("more than"))).toBe(false);
  });
});
