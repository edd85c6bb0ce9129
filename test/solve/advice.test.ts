import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model } from "../../src/model/types.js";
import { ADVICE_CHECKS } from "../../src/solve/advice.js";
import { solve } from "../../src/solve/solve.js";
import type { PlacementFigures } from "../../src/solve/types.js";
import { build, dublinFrankfurtNeighbour, WRITER_OF_A_AND_B } from "./helpers.js";

/**
 * `a` writes 6 MB/s from Dublin and is read from Frankfurt (and, with `paris`, from Paris); `b`
 * replicates 1 MB/s Dublin → Frankfurt over a 100 Mbps link. A replica of `a` in Frankfurt serves
 * the Frankfurt reader locally (cheaper, faster) but its replication fills that link: `a`'s lag
 * misses its 100 ms objective and `b`'s lag its 300 ms one. So `a`'s replicationLagMs keeps it out
 * of Frankfurt — and relaxing it alone does not make Frankfurt a placement to take. With `paris`, a
 * replica in Paris serves the Paris reader over a 100 Mbps link only `a` uses: it breaks `a`'s lag
 * objective and nothing else.
 */
const model = (options: { paris?: boolean; readP99Ms?: number } = {}) =>
  build({
    users: { "eu-west-1": 1 },
    datastores: {
      a: {
        replication: "consensus",
        consistency: "bounded-staleness",
        replicas: 3,
        placement: { "eu-west-1": 1, "eu-west-2": 1, "eu-north-1": 1 },
        leader: "eu-west-1",
        // The leader stays with the writer, so replicas elsewhere are fed over Dublin's links.
        leaderRegions: ["eu-west-1"],
        survive: "region",
        residency: ["EU", "GB"],
        slo: {
          replicationLagMs: 100,
          ...(options.readP99Ms === undefined ? {} : { readP99Ms: options.readP99Ms }),
        },
        traffic: { readsPerSec: 3, writesPerSec: 6, itemBytes: 1_000_000 },
        deploy: { target: "external" },
      },
      b: dublinFrankfurtNeighbour({ replicationLagMs: 300 }),
    },
    services: {
      writer: WRITER_OF_A_AND_B,
      reader: { regions: ["eu-central-1"], calls: [{ to: "a", op: "read", timeoutMs: 5000 }] },
      ...(options.paris
        ? { "paris-reader": { regions: ["eu-west-3"], calls: [{ to: "a", op: "read", timeoutMs: 5000 }] } }
        : {}),
    },
    network: {
      links: [
        { between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 100 },
        ...(options.paris ? [{ between: ["eu-west-1", "eu-west-3"], bandwidthMbps: 100 }] : []),
      ],
    },
  } as never);

/** Every error `check` reports with `a` placed as advised, as "rule path". */
function errorsWith(m: Model, advised: PlacementFigures): string[] {
  const resolved = resolveModel(m.topology, m.catalog, {
    a: { placement: advised.placement, leader: advised.leader },
  });
  return runPolicies(resolved, analyse(resolved))
    .findings.filter((f) => f.severity === "error" && (f.status ?? "fail") === "fail")
    .map((f) => `${f.code} ${f.path}`)
    .sort();
}

const LAG = "datastores.a.slo.replicationLagMs";

describe("binding constraints hold under the full check", () => {
  it("a relaxation whose placement breaks another store's objective is not advice", () => {
    const m = model();
    const solution = solve(m, { datastores: ["a"], top: 0 }).datastores[0]!;
    expect(Object.keys(solution.chosen!.placement)).not.toContain("eu-central-1");
    // Every better placement without the lag objective has a replica in Frankfurt and breaks b.
    expect(solution.binding.map((b) => b.path)).not.toContain(LAG);
    for (const b of solution.binding) expect(Object.keys(b.without!.placement)).not.toContain("eu-central-1");
    // The survival goal still binds, and its placement fails check on that goal alone.
    const survive = solution.binding.find((b) => b.path === "datastores.a.survive")!;
    expect(errorsWith(m, survive.without!)).toEqual(["survival datastores.a.placement"]);
  });

  it("when the best relaxation breaks another store, the next one that holds is named", () => {
    const m = model({ paris: true });
    const solution = solve(m, { datastores: ["a"], top: 0 }).datastores[0]!;
    const lag = solution.binding.find((b) => b.path === LAG)!;
    expect(lag.message).toMatch(/^replicationLagMs 100 binds: without it .*eu-west-3: 1/);
    expect(Object.keys(lag.without!.placement)).not.toContain("eu-central-1");
    // Following the advice breaks the relaxed objective and nothing else.
    expect(errorsWith(m, lag.without!)).toEqual([`replication-lag-slo ${LAG}`]);
    expect(lag.without!.costUsdPerMonth).toBeLessThan(solution.chosen!.costUsdPerMonth);
    // Bounded: the answer's check, the current placement's, and at most ADVICE_CHECKS per constraint (2).
    expect(solution.stats.fullChecks).toBeLessThanOrEqual(2 + ADVICE_CHECKS * 2);
  });

  it("an infeasible store's relaxation that breaks another store says so instead of naming it", () => {
    // A 5 ms read p99 from Frankfurt needs a replica there; the lag objective keeps it out.
    const m = model({ readP99Ms: 5 });
    const solution = solve(m, { datastores: ["a"], top: 0 }).datastores[0]!;
    expect(solution.chosen).toBeUndefined();
    const relaxations = solution.infeasible!.relaxations;
    const lag = relaxations.find((r) => r.path === LAG)!;
    expect(lag.to).toBeUndefined();
    expect(lag.placement).toBeUndefined();
    expect(lag.message).toMatch(
      /^relaxing replicationLagMs alone admits no placement that passes check: the nearest, .*eu-central-1.*, breaks replication-lag-slo at datastores\.b\.slo\.replicationLagMs/,
    );
    const read = relaxations.find((r) => r.path === "datastores.a.slo.readP99Ms")!;
    expect(errorsWith(m, read.placement!)).toEqual(["latency-slo datastores.a.slo.readP99Ms"]);
  });
});
