import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { solve } from "../../src/solve/solve.js";
import { build, dublinFrankfurtNeighbour, WRITER_OF_A_AND_B } from "./helpers.js";

/**
 * `a` writes 6 MB/s; `b` replicates 1 MB/s Dublin → Frankfurt over a 100 Mbps link. A replica of
 * `a` in Frankfurt fills that link, and `b`'s replication lag there breaks its SLO: a finding on
 * `b`, outside `a`'s scope, that the current placement of `a` does not have.
 */
const model = () =>
  build({
    users: { "eu-west-1": 1 },
    datastores: {
      a: {
        replication: "consensus",
        consistency: "strong",
        replicas: 3,
        placement: { "eu-west-1": 1, "eu-west-2": 1, "eu-west-3": 1 },
        leader: "eu-west-1",
        survive: "region",
        residency: ["EU", "GB"],
        traffic: { readsPerSec: 1, writesPerSec: 6, itemBytes: 1_000_000 },
        deploy: { target: "external" },
      },
      b: dublinFrankfurtNeighbour({ replicationLagMs: 300 }),
    },
    services: {
      writer: WRITER_OF_A_AND_B,
    },
    network: { links: [{ between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 100 }] },
  } as never);

describe("a placement that breaks another datastore's objective", () => {
  it("is rejected: the chosen placement passes check as a whole", () => {
    const m = model();
    const solution = solve(m, { datastores: ["a"], top: 0, explain: false }).datastores[0]!;
    expect(solution.chosen).toBeDefined();
    expect(Object.keys(solution.chosen!.placement)).not.toContain("eu-central-1");
    expect(solution.elsewhere).toEqual([]);
    const resolved = resolveModel(m.topology, m.catalog, { a: solution.chosen! });
    const errors = runPolicies(resolved, analyse(resolved)).findings.filter(
      (f) => f.severity === "error" && (f.status ?? "fail") === "fail",
    );
    expect(errors.map((f) => `${f.code} ${f.path}`)).toEqual([]);
  });
});
