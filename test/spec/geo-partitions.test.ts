/**
 * `partitions.strategy: geo` is analysed as partition leaders homed near their users: refused
 * where the deployment leads every partition from one place (CockroachDB as compiled, Aurora, S3),
 * and no longer suggested there by the latency rule.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { validateTopology } from "../../src/spec/validate.js";

const spec = (
  store: Record<string, unknown>,
  partitions: Record<string, unknown> = { count: 4, strategy: "geo" },
) => ({
  name: "geo",
  users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
  datastores: {
    ledger: { replicas: 3, placement: { "eu-west-1": 2, "us-east-1": 1 }, partitions, ...store },
  },
});
const codes = (s: unknown) =>
  validateTopology(s)
    .diagnostics.filter((d) => d.path === "datastores.ledger.partitions.strategy")
    .map((d) => d.code);

const cockroach = { replication: "consensus", deploy: { target: "kubernetes", engine: "cockroachdb" } };

describe("geo partitioning where the deployment can home partition leaders", () => {
  it("CockroachDB as compiled (one zone configuration for the database): refused", () => {
    expect(codes(spec(cockroach))).toEqual(["spec/engine-mismatch"]);
    expect(codes(spec(cockroach, { count: 4, strategy: "hash" }))).toEqual([]);
  });

  it("Aurora and S3 have one writer region: refused", () => {
    const aws = (service: string) =>
      spec({
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "us-east-1": 1 },
        deploy: { target: "aws", service },
      });
    expect(codes(aws("aurora-postgresql"))).toEqual(["spec/deploy-mismatch"]);
    expect(codes(aws("s3"))).toEqual(["spec/deploy-mismatch"]);
  });

  it("DynamoDB, Cassandra and stores deployed elsewhere: accepted", () => {
    const dynamo = spec({
      replication: "multi-leader",
      consistency: "eventual",
      replicas: 2,
      placement: { "eu-west-1": 1, "us-east-1": 1 },
      deploy: { target: "aws", service: "dynamodb" },
    });
    expect(validateTopology(dynamo).ok).toBe(true);
    const cassandra = spec({
      replication: "leaderless",
      consistency: "eventual",
      deploy: { target: "kubernetes", engine: "cassandra" },
    });
    expect(codes(cassandra)).toEqual([]);
    expect(validateTopology(spec({ replication: "consensus" })).ok).toBe(true);
  });

  it("the latency rule suggests geo partitioning only where it is possible", () => {
    const fixes = (store: Record<string, unknown>) => {
      const result = validateTopology(
        spec({ ...store, slo: { writeP99Ms: 5 } }, { count: 4, strategy: "hash" }),
      );
      if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
      const model = resolveModel(result.topology);
      return runPolicies(model, analyse(model))
        .findings.filter((f) => f.path === "datastores.ledger.slo.writeP99Ms")
        .map((f) => f.fix ?? "");
    };
    const external = fixes({ replication: "consensus" });
    expect(external.length).toBeGreaterThan(0);
    for (const fix of external) expect(fix).toContain("partitions.strategy: geo");
    const compiled = fixes(cockroach);
    expect(compiled.length).toBeGreaterThan(0);
    for (const fix of compiled) expect(fix).not.toContain("geo");
  });
});
