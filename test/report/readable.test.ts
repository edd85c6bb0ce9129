import { describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { fmtAvailability, MAX_NINES } from "../../src/report/analysis-tables.js";
import { stableJsonText, stableNumber } from "../../src/report/numbers.js";
import { stackFiles } from "../render/stacks.js";

/** What people read: ≤ 100 columns, rounded figures, plurals, roles only where they exist. */
async function run(args: string[]): Promise<string> {
  const out: string[] = [];
  const io: Io = { color: false, stdout: (t) => out.push(t), stderr: () => {} };
  await main(args, io);
  return out.join("");
}

describe("readable output", () => {
  it.each(stackFiles())("plan, check and whatif text of stacks/%s fit 100 columns", async (file) => {
    for (const args of [["plan"], ["check"], ["whatif", "--fail", "zone:eu-west-1a"]]) {
      const [command, ...rest] = args;
      const text = await run([command!, `stacks/${file}`, ...rest]);
      for (const line of text.split("\n"))
        expect(line.length, `${command}: ${line}`).toBeLessThanOrEqual(100);
    }
  });

  it("JSON numbers carry no float noise (10 significant digits at most)", async () => {
    for (const command of ["plan", "check"]) {
      const json = await run([command, "stacks/service-mesh.ts", "--format", "json"]);
      // Every number has at most 10 significant digits (0.05986647423 is fine; 81.30000000000001 is not).
      const noisy: number[] = [];
      JSON.parse(json, (_, value) => {
        if (typeof value === "number" && Number(value.toPrecision(10)) !== value) noisy.push(value);
        return value;
      });
      expect(noisy).toEqual([]);
    }
    expect(stableNumber(81.30000000000001)).toBe(81.3);
    expect(stableNumber(0.99999)).toBe(0.99999);
    expect(stableJsonText({ a: 0.1 + 0.2 })).toBe('{\n  "a": 0.3\n}\n');
  });

  it("availability is shown no finer than the model supports", () => {
    expect(fmtAvailability(0.99994)).toBe("99.994% (4.2 nines)");
    expect(fmtAvailability(0.999)).toBe("99.9% (3.0 nines)");
    // Cut, not rounded: a figure below a 99.99% SLO never prints as 99.99% or 4.0 nines.
    expect(fmtAvailability(0.999897)).toBe("99.989% (3.9 nines)");
    expect(fmtAvailability(0.9999)).toBe("99.99% (4.0 nines)");
    expect(fmtAvailability(1 - 1e-12)).toBe("≥ 99.9999% (model limit)");
    expect(fmtAvailability(1)).toBe("≥ 99.9999% (model limit)");
    expect(MAX_NINES).toBe(6);
  });

  it("plurals and roles: no leader for leaderless stores, leaders for multi-leader, an op column for calls", async () => {
    const text = await run(["plan", "stacks/service-mesh.ts"]);
    expect(text).not.toMatch(/× 1 partitions/);
    const catalog = text.split("\n").find((l) => l.startsWith("  catalog-db  "))!;
    expect(catalog).toMatch(/^ {2}catalog-db {2}leaderless, 9 replicas × \d+ partitions?$/);
    expect(text).toMatch(
      /^ {2}cart-cache {2}multi-leader, 6 replicas × \d+ partitions?, leaders us-east-1, us-west-2, eu-west-1|^ {2}cart-cache {2}multi-leader, .*leaders /m,
    );
    expect(text).toMatch(/^ {4}call +op +attempts +p99 ms$/m);
    expect(text).toMatch(/^ {4}commerce-db +write +\d+ +[\d.]+$/m);
  });
});
