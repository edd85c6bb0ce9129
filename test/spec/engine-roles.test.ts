/**
 * Placement roles an engine cannot run are invalid input, at the exact placement field; what the
 * compiled clusters do run passes (src/engines/capabilities.ts `replicaRoles`). And a Redis lag
 * target finer than its metric's 1 s resolution is warned about.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { validateTopology } from "../../src/spec/validate.js";
import { checkProblems } from "./problems.js";

const MODEL: Readonly<Record<string, Record<string, unknown>>> = {
  etcd: { replication: "consensus" },
  cockroachdb: { replication: "consensus" },
  cassandra: { replication: "leaderless", consistency: "eventual" },
  postgresql: { replication: "primary-replica", sync: "async" },
  redis: { replication: "primary-replica", consistency: "eventual", sync: "async" },
};

function spec(
  engine: string,
  placement: Record<string, unknown>,
  slo?: Record<string, number>,
): TopologyInput {
  const replicas = Object.values(placement).reduce<number>(
    (sum, e) =>
      sum +
      (typeof e === "number" ? e : Object.values(e as Record<string, number>).reduce((a, b) => a + b, 0)),
    0,
  );
  return {
    name: "t",
    datastores: {
      db: {
        ...MODEL[engine],
        replicas,
        placement,
        leader: "eu-west-1",
        ...(slo === undefined ? {} : { slo }),
        deploy: { target: "kubernetes", engine },
      },
    },
  } as unknown as TopologyInput;
}

const diagnostics = (t: TopologyInput, severity: Diagnostic["severity"]) =>
  validateTopology(t).diagnostics.filter((d) => d.severity === severity);

describe("placement roles the engine cannot run (Noncompliance)", () => {
  test.each([
    [
      "etcd read-only replicas: --initial-cluster would make them voters",
      "etcd",
      { "eu-west-1": 2, "eu-central-1": { voters: 1, readOnly: 2 } },
      "datastores.db.placement.eu-central-1.readOnly",
      "etcd cannot run read-only replicas: --initial-cluster makes every member a voter",
    ],
    [
      "an etcd witness holds the whole keyspace and votes",
      "etcd",
      { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": { witnesses: 1 } },
      "datastores.db.placement.eu-north-1.witnesses",
      "etcd cannot run witnesses",
    ],
    [
      // Compiled as a voter, it held data the analysis did not count (follower reads, lag, failover).
      "a CockroachDB witness holds its ranges' data",
      "cockroachdb",
      { "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": { witnesses: 1 } },
      "datastores.db.placement.eu-north-1.witnesses",
      "CockroachDB cannot run witnesses: every replica holds its range's data (there is no witness replica)",
    ],
    [
      "Redis read-only replicas: Sentinel may promote any member",
      "redis",
      { "eu-west-1": 2, "eu-central-1": { readOnly: 1 } },
      "datastores.db.placement.eu-central-1.readOnly",
      "Redis cannot run read-only replicas",
    ],
    [
      "a PostgreSQL read-only replica in the primary's cluster (may be made synchronous or promoted)",
      "postgresql",
      { "eu-west-1": { voters: 2, readOnly: 1 }, "eu-central-1": 1 },
      "datastores.db.placement.eu-west-1.readOnly",
      "PostgreSQL cannot run read-only replicas in the primary's region eu-west-1",
    ],
    [
      "a PostgreSQL witness",
      "postgresql",
      { "eu-west-1": 2, "eu-central-1": { witnesses: 1 } },
      "datastores.db.placement.eu-central-1.witnesses",
      "PostgreSQL cannot run witnesses",
    ],
  ])("%s", (_, engine, placement, path, message) => {
    const result = validateTopology(spec(engine, placement));
    expect(result.ok).toBe(false);
    const found = diagnostics(spec(engine, placement), "error");
    expect(found.map((d) => d.path)).toEqual([path]);
    expect(found[0]?.code).toBe("spec/engine-mismatch");
    expect(found[0]?.message).toContain(message);
    expect(found[0]?.fix).toMatch(/count them as voters|move the 1 read-only replicas/);
  });

  // Refused for the model, whatever the engine (src/spec/semantic/counts.ts): one finding, not two.
  test("a Cassandra witness: no leaderless store has one", () => {
    const found = diagnostics(
      spec("cassandra", { "eu-west-1": 2, "eu-central-1": { voters: 2, witnesses: 1 } }),
      "error",
    );
    expect(found.map((d) => [d.path, d.code])).toEqual([
      ["datastores.db.placement.eu-central-1.witnesses", "spec/not-applicable"],
    ]);
  });

  test("the fix names only engines that run the role for the store's replication model", () => {
    const [etcd] = diagnostics(
      spec("etcd", { "eu-west-1": 2, "eu-central-1": { voters: 1, readOnly: 2 } }),
      "error",
    );
    expect(etcd?.fix).toBe(
      "count them as voters (eu-central-1: 3), or use an engine that runs read-only replicas (cockroachdb)",
    );
    const [redis] = diagnostics(spec("redis", { "eu-west-1": 2, "eu-central-1": { readOnly: 1 } }), "error");
    expect(redis?.fix).toBe(
      "count them as voters (eu-central-1: 1), or use an engine that runs read-only replicas (postgresql)",
    );
  });
});

describe("placement roles the compiled cluster does run (Compliance)", () => {
  test.each([
    ["CockroachDB non-voting replicas", "cockroachdb", { "eu-west-1": 3, "eu-central-1": { readOnly: 2 } }],
    [
      "PostgreSQL read-only replicas in a replica cluster",
      "postgresql",
      { "eu-west-1": 2, "eu-central-1": { readOnly: 2 } },
    ],
    ["etcd voters only", "etcd", { "eu-west-1": 2, "eu-central-1": { voters: 1 } }],
  ])("%s", (_, engine, placement) => {
    expect(diagnostics(spec(engine, placement), "error")).toEqual([]);
  });
});

describe("Redis lag targets finer than its metric (acks once a second)", () => {
  const placement = { "eu-west-1": 2, "eu-central-1": 1 };
  test("500 ms: a warning at the target, the spec stays valid", () => {
    const t = spec("redis", placement, { replicationLagMs: 500 });
    expect(validateTopology(t).ok).toBe(true);
    const [warning] = diagnostics(t, "warning");
    expect(warning?.path).toBe("datastores.db.slo.replicationLagMs");
    expect(warning?.message).toContain("Redis measures replication lag to 1000 ms");
  });
  test("1000 ms and other engines' sub-second targets: nothing", () => {
    expect(diagnostics(spec("redis", placement, { replicationLagMs: 1000 }), "warning")).toEqual([]);
    expect(diagnostics(spec("postgresql", placement, { replicationLagMs: 500 }), "warning")).toEqual([]);
  });
});

describe("topoplan check", () => {
  const scratch = mkdtempSync(join(tmpdir(), "topoplan-engine-roles-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("etcd read-only replicas in the placement: exit 2, the finding at the placement field", async () => {
    const file = join(scratch, "cp.yaml");
    writeFileSync(
      file,
      [
        "name: cp",
        "datastores:",
        "  config:",
        "    replication: consensus",
        "    replicas: 5",
        "    placement: { eu-west-1: 2, eu-central-1: 2, eu-north-1: { readOnly: 1 } }",
        "    leader: eu-west-1",
        "    deploy: { target: kubernetes, engine: etcd }",
        "",
      ].join("\n"),
    );
    const findings = await checkProblems(file);
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([
      ["spec/engine-mismatch", "datastores.config.placement.eu-north-1.readOnly"],
    ]);
  });
});
