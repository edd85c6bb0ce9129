import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_SCRATCH_ENV, sampleDir } from "../../bench/lib/sample-dir.js";
import { pairedRatios, quantile, summarise } from "../../bench/lib/stats.js";
import { generatedManifestPlan } from "../../bench/manifests.js";
import { closedSubset, dependenciesOf } from "../../bench/plans.js";
import type { PlannedResource, ResourcePlan } from "../../src/compile/plan.js";
import { ref } from "../../src/compile/plan.js";

const resource = (name: string, deps: { dependsOn?: string[]; refTo?: string } = {}): PlannedResource => ({
  type: "kubernetes:core/v1:ConfigMap",
  name,
  provider: "kubernetes",
  region: "eu-west-1",
  component: "",
  inputs: deps.refTo === undefined ? { data: {} } : { data: { owner: ref(deps.refTo, "metadata.name") } },
  ...(deps.dependsOn === undefined ? {} : { options: { dependsOn: deps.dependsOn } }),
});

describe("stats", () => {
  it("computes medians and quartiles by linear interpolation", () => {
    expect(summarise([5, 1, 3, 2, 4])).toEqual({ n: 5, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(summarise([]).median).toBeNaN();
  });

  it("pairs ratios sample by sample", () => {
    expect(pairedRatios([2, 6, 9], [1, 3])).toEqual([2, 2]);
  });
});

describe("closedSubset", () => {
  const plan: ResourcePlan = {
    topology: "t",
    resources: [
      resource("a", { dependsOn: ["ns"] }),
      resource("b", { refTo: "a" }),
      resource("c"),
      resource("ns"),
    ],
  };

  it("brings every resource's dependencies and refs along", () => {
    expect(dependenciesOf(plan.resources[1]!)).toEqual(["a"]);
    expect(closedSubset(plan, 3).resources.map((r) => r.name)).toEqual(["a", "b", "ns"]);
  });

  it("never exceeds the count and skips what would not fit", () => {
    expect(closedSubset(plan, 1).resources.map((r) => r.name)).toEqual(["c"]);
    const subset = closedSubset(plan, 2);
    const names = new Set(subset.resources.map((r) => r.name));
    expect(subset.resources.length).toBeLessThanOrEqual(2);
    for (const r of subset.resources) for (const d of dependenciesOf(r)) expect(names.has(d)).toBe(true);
  });
});

describe("generatedManifestPlan", () => {
  it("yields exactly the requested number of uniquely named manifests, deterministically", () => {
    const plan = generatedManifestPlan(1500);
    expect(plan.resources).toHaveLength(1500);
    expect(new Set(plan.resources.map((r) => r.name)).size).toBe(1500);
    expect(plan.resources.every((r) => typeof (r.inputs as { kind?: unknown }).kind === "string")).toBe(true);
    expect(generatedManifestPlan(1500)).toEqual(plan);
  });
});

describe("npm run bench options", () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { encoding: "utf8" });

  it("--help prints the usage and the scenario ids; a bad option or count exits 2 with the usage, no stack trace", () => {
    const help = bench("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: npm run bench --");
    expect(help.stdout).toContain("commands-2000");
    for (const args of [["--bogus"], ["--samples", "three"]]) {
      const bad = bench(...args);
      expect(bad.status, args.join(" ")).toBe(2);
      expect(bad.stderr).toContain("usage: npm run bench --");
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("sampleDir", () => {
  it("leaves a sample's files in the run's scratch until the run ends; run alone, removes them when released", () => {
    const run = mkdtempSync(join(tmpdir(), "topoplan-test-run-"));
    const before = process.env[RUN_SCRATCH_ENV];
    try {
      process.env[RUN_SCRATCH_ENV] = run;
      const kept = sampleDir("render-");
      expect(kept.dir.startsWith(join(run, "render-"))).toBe(true);
      kept.release();
      expect(existsSync(kept.dir)).toBe(true);
      delete process.env[RUN_SCRATCH_ENV];
      const alone = sampleDir("render-");
      expect(alone.dir.startsWith(run)).toBe(false);
      alone.release();
      expect(existsSync(alone.dir)).toBe(false);
    } finally {
      if (before === undefined) delete process.env[RUN_SCRATCH_ENV];
      else process.env[RUN_SCRATCH_ENV] = before;
      rmSync(run, { recursive: true, force: true });
    }
  });
});
