import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model } from "../../src/model/types.js";
import { renderText } from "../../src/solve/render.js";
import { solve } from "../../src/solve/solve.js";
import { build, shop } from "./helpers.js";

const errorsOf = (model: Model) =>
  runPolicies(model, analyse(model))
    .findings.filter((f) => f.severity === "error" && (f.status ?? "fail") === "fail")
    .map((f) => `${f.code} ${f.path}`);

/**
 * A reader in São Paulo with a 30 ms SLO on a store whose cheap placements are all in the US: the
 * best four by cost all keep that failure (as the current placement does), and only a leader in
 * sa-east-1, at several times the cost, clears it. With the best top + 1 checked, solve excused
 * the failure as the current placement's and `--top 20` gave another answer.
 */
const farReader = () =>
  build({
    users: { "sa-east-1": 1 },
    datastores: {
      db: {
        replication: "consensus",
        consistency: "strong",
        replicas: 3,
        placement: { "us-east-1": 1, "us-east-2": 1, "sa-east-1": 1 },
        leader: "us-east-1",
        survive: "zone",
        traffic: { readsPerSec: 100, writesPerSec: 2000, itemBytes: 4096 },
        slo: { writeP99Ms: 300 },
      },
    },
    services: {
      writer: {
        regions: ["us-east-1"],
        processingMs: 2,
        calls: [{ to: "db", op: "write", timeoutMs: 1000 }],
        traffic: { requestsPerSec: 2000 },
      },
      reader: {
        regions: ["sa-east-1"],
        processingMs: 2,
        calls: [{ to: "db", op: "read", timeoutMs: 1000 }],
        traffic: { requestsPerSec: 100 },
        slo: { latencyP99Ms: 30 },
      },
    },
  } as never);

describe("solve checks past the best top + 1 when none of them passes outright", () => {
  const regions = ["us-east-1", "us-east-2", "sa-east-1"];

  it("finds the costlier placement that clears a caller's SLO, whatever --top", () => {
    const model = farReader();
    expect(errorsOf(model)).toContain("latency-slo services.reader.slo.latencyP99Ms");
    const answers = [0, 3, 20].map((top) => solve(model, { regions, top }).datastores[0]!);
    for (const solution of answers) {
      expect(solution.standing).toBeUndefined();
      expect(solution.chosen?.leader).toBe("sa-east-1");
      expect(solution.chosen?.placement).toEqual(answers[0]!.chosen?.placement);
    }
    const chosen = answers[1]!.chosen!;
    expect(errorsOf(resolveModel(model.topology, model.catalog, { db: chosen }))).toEqual([]);
  });
});

describe("leaderRegions: every one holds a voter", () => {
  it("--regions leaving one out is a usage error naming it", () => {
    const model = shop({ replicas: 3, survive: "zone", leaderRegions: ["eu-west-1", "eu-north-1"] });
    const run = () => solve(model, { regions: ["eu-west-1", "eu-central-1", "eu-west-3"] });
    expect(run).toThrow(InputError);
    try {
      run();
    } catch (error) {
      const [problem] = (error as InputError).diagnostics;
      expect(problem!.path).toBe("datastores.orders.leaderRegions");
      expect(problem!.message).toContain("--regions leaves out eu-north-1");
      expect(problem!.fix).toBe("add eu-north-1 to --regions, or drop it from leaderRegions");
    }
  });

  // check requires the voters of every replication model; the search and --regions only of leader-based ones.
  it("a leaderless store too: --regions leaving one out is a usage error", () => {
    const model = build({
      users: { "us-east-1": 1 },
      datastores: {
        db: {
          replication: "leaderless",
          consistency: "eventual",
          replicas: 3,
          placement: { "us-east-1": 1, "us-east-2": 1, "eu-north-1": 1 },
          leaderRegions: ["eu-north-1"],
          survive: "zone",
          traffic: { readsPerSec: 1000, writesPerSec: 500, itemBytes: 1024 },
        },
      },
    } as never);
    expect(() => solve(model, { regions: ["us-east-1", "us-east-2", "us-west-2"] })).toThrow(InputError);
    const solution = solve(model, { regions: ["us-east-1", "us-east-2", "eu-north-1"] }).datastores[0]!;
    expect(Object.keys(solution.chosen!.placement)).toContain("eu-north-1");
  });

  it("the greedy auto placement (kept when nothing is feasible) places a voter in each", () => {
    // us-east-1 users: the nearest regions are American; the leader regions are in Europe.
    const model = shop(
      { replicas: 3, survive: "zone", leaderRegions: ["eu-west-1", "eu-north-1"] },
      { users: { "us-east-1": 1 } },
    );
    const placed = model.datastores[0]!.placement.map((p) => p.region);
    expect(placed).toEqual(expect.arrayContaining(["eu-west-1", "eu-north-1"]));
    expect(["eu-west-1", "eu-north-1"]).toContain(model.datastores[0]!.leader);
  });
});

/** Strong reads of a semi-sync primary-replica store: consistency-coordination fails wherever it is placed. */
const semiSyncStrong = (placement: Record<string, number>, slo: Record<string, number>) =>
  build({
    users: { "us-east-1": 0.6, "us-west-2": 0.4 },
    datastores: {
      db: {
        replication: "primary-replica",
        sync: "semi-sync",
        consistency: "strong",
        replicas: 3,
        placement,
        leader: "us-east-1",
        survive: "region",
        traffic: { readsPerSec: 1000, writesPerSec: 500, itemBytes: 1024 },
        slo,
      },
    },
  } as never);

describe("an infeasible datastore whose own rule fails in every placement", () => {
  it("lists that rule first, not the objectives a relaxation would change", () => {
    const model = semiSyncStrong(
      { "us-east-1": 1, "us-east-2": 1, "us-west-2": 1 },
      { writeP99Ms: 60, rpoSeconds: 0 },
    );
    const report = solve(model, {
      roles: "all",
      regions: ["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
    });
    const always = report.datastores[0]!.infeasible?.failingInEvery;
    expect(always?.findings.map((f) => `${f.code} ${f.path}`)).toEqual([
      "consistency-coordination datastores.db.consistency",
    ]);
    expect(always!.checked).toBeGreaterThan(1);
    // The survival goal a relaxation changes is not among them, though every placement over two
    // regions fails it (it is reported at the placement, not at the goal's own path).
    const regionGoal = semiSyncStrong({ "us-east-1": 2, "us-east-2": 1 }, { writeP99Ms: 200 });
    const twoRegions = solve(regionGoal, { regions: ["us-east-1", "us-east-2"] }).datastores[0]!;
    expect(twoRegions.infeasible?.failingInEvery?.findings.map((f) => `${f.code} ${f.path}`)).toEqual([
      "consistency-coordination datastores.db.consistency",
    ]);
    expect(renderText(report, { color: false })).toContain(
      `every placement checked (${always!.checked}) fails, whatever the relaxation: fix first\n      datastores.db.consistency: strong consistency with semi-sync`,
    );
  });
});
