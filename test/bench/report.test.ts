import { describe, expect, it } from "vitest";
import { evaluate, growthTable, type ScenarioResult } from "../../bench/lib/report.js";

const sample = (cpuMs: number, maxRssMb = 100) => ({ wallMs: cpuMs * 2, cpuMs, maxRssMb });

/** A commands scenario: check and plan, plan costing `factor` × check, at `size` services. */
function scenario(size: number, checkMs: number, factor: number): ScenarioResult {
  return {
    id: `commands-${size}`,
    title: "",
    scale: { series: "commands", size, maxExponent: 1.15 },
    subjectTargets: { plan: { ratio: 2, text: "≤ 2× check" } },
    loadavg: [1],
    subjects: [
      { id: "check", label: "", status: "ok", samples: [sample(checkMs), sample(checkMs)] },
      {
        id: "plan",
        label: "",
        status: "ok",
        samples: [sample(checkMs * factor), sample(checkMs * factor)],
      },
    ],
  };
}

describe("bench report", () => {
  it("pairs every subject with the peer and judges it against its own target", () => {
    const peer = { peer: "check", subjectTargets: { plan: { ratio: 2, text: "≤ 2× check" } } };
    const slow = evaluate(scenario(2000, 1000, 3), peer).subjects.find((s) => s.id === "plan")!;
    expect(slow.vsPeer?.cpu?.median).toBeCloseTo(3);
    expect(slow.verdict?.cpu).toBe("MISSED (ratio)");
    const fast = evaluate(scenario(2000, 1000, 1.5), peer).subjects.find((s) => s.id === "plan")!;
    expect(fast.verdict?.cpu).toBe("met");
  });

  it("prints growth exponents between consecutive sizes of a series", () => {
    const peer = { peer: "check" };
    const rows = growthTable([
      evaluate(scenario(2000, 1000, 2), peer),
      // check grows linearly (10×), plan as n^1.3 (10^1.3 ≈ 19.95×)
      evaluate(scenario(20_000, 10_000, 2 * 10 ** 0.3), peer),
    ]);
    const row = rows.find((line) => line.startsWith("| 2,000 → 20,000"));
    expect(row).toBe("| 2,000 → 20,000 | 1.00 · 0.00 | 1.30 · 0.00 |");
    expect(growthTable([evaluate(scenario(2000, 1000, 2), peer)])).toEqual([]);
  });
});
