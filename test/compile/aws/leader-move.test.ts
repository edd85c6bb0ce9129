import { describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/compile/plan.js";
import { compareResources } from "../../../src/diff/resources.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { byType, named, plan } from "./helpers.js";

/** One Aurora global database and nothing else on AWS: its lag alarm is the only alarm there is. */
function ledger(leader: string, homeRegion?: string): TopologyInput {
  return {
    name: "ledger",
    users: { "eu-west-1": 0.5, "eu-central-1": 0.5 },
    datastores: {
      entries: {
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader,
        residency: ["EU"],
        slo: { replicationLagMs: 1_000 },
        deploy: {
          target: "aws",
          service: "aurora-postgresql",
          ...(homeRegion === undefined ? {} : { homeRegion }),
        },
      },
    },
  } as TopologyInput;
}

const oncall = { alarmSubscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }] };
const before = plan(ledger("eu-west-1"), oncall);
const after = plan(ledger("eu-central-1"), oncall);

const alarmPlumbing = (p: ResourcePlan) =>
  p.resources
    .filter((r) => r.component === "" && /^aws-alarms-/.test(r.name))
    .map((r) => r.name)
    .sort();

describe("moving an Aurora primary (leader) to another region", () => {
  it("keeps the alarm topic, its key and its subscriptions in both regions", () => {
    const everywhere = [
      "aws-alarms-eu-central-1",
      "aws-alarms-eu-west-1",
      "aws-alarms-kms-key-eu-central-1",
      "aws-alarms-kms-key-eu-west-1",
      "aws-alarms-subscription-1-eu-central-1",
      "aws-alarms-subscription-1-eu-west-1",
    ];
    expect(alarmPlumbing(before)).toEqual(everywhere);
    expect(alarmPlumbing(after)).toEqual(everywhere);
  });

  it("does not protect the alarm topic key: it encrypts only messages awaiting delivery", () => {
    for (const key of byType(before, "aws:kms/key:Key").filter((k) => k.component === ""))
      expect(key.options?.protect, key.name).not.toBe(true);
  });

  it("replaces no member cluster: each immutable input that changes is one Pulumi ignores", () => {
    // The diff drops what the program's ignoreChanges lists, as pulumi preview does: no cluster is
    // left to replace, and without the ignores both would be.
    const clusters = (b: ResourcePlan, a: ResourcePlan) =>
      compareResources(b, a).filter((c) => c.type === "aws:rds/cluster:Cluster");
    expect(clusters(before, after).filter((c) => c.action === "replace")).toEqual([]);
    const unignored = (p: ResourcePlan): ResourcePlan => ({
      ...p,
      resources: p.resources.map((r) =>
        r.type === "aws:rds/cluster:Cluster" ? { ...r, options: { ...r.options, ignoreChanges: [] } } : r,
      ),
    });
    expect(
      clusters(unignored(before), unignored(after))
        .filter((c) => c.action === "replace")
        .map((c) => c.name)
        .sort(),
    ).toEqual(["entries-cluster-eu-central-1", "entries-cluster-eu-west-1"]);
  });

  it("ignores the same inputs on every member, primary or secondary, before and after", () => {
    const ignores = (p: ResourcePlan) =>
      byType(p, "aws:rds/cluster:Cluster").map((c) => [c.name, c.options?.ignoreChanges]);
    const expected = ["engineVersion", "replicationSourceIdentifier", "masterUsername", "masterPassword"];
    for (const p of [before, after])
      for (const [name, ignored] of ignores(p)) expect(ignored, String(name)).toEqual(expected);
  });

  it("still gives master credentials only to the cluster created as primary", () => {
    const username = (p: ResourcePlan, region: string) =>
      named(p, `entries-cluster-${region}`).inputs.masterUsername;
    expect([username(before, "eu-west-1"), username(before, "eu-central-1")]).toEqual([
      "topoplan_admin",
      undefined,
    ]);
    expect([username(after, "eu-west-1"), username(after, "eu-central-1")]).toEqual([
      undefined,
      "topoplan_admin",
    ]);
  });
});

describe("the global cluster and the master secret stay in deploy.homeRegion", () => {
  const regionsOf = (p: ResourcePlan) =>
    ["entries-global-cluster", "entries-master-secret", "entries-master-secret-version"].map(
      (name) => named(p, name).region,
    );

  it("default to the leader, so a leader move moves them (a replacement of the protected global cluster)", () => {
    expect(regionsOf(before)).toEqual(["eu-west-1", "eu-west-1", "eu-west-1"]);
    expect(regionsOf(after)).toEqual(["eu-central-1", "eu-central-1", "eu-central-1"]);
    const global = compareResources(before, after).find((c) => c.name === "entries-global-cluster");
    expect(global?.action).toBe("replace");
  });

  it("stay in homeRegion when the leader moves: nothing is replaced or moved", () => {
    const kept = plan(ledger("eu-central-1", "eu-west-1"), oncall);
    expect(regionsOf(kept)).toEqual(["eu-west-1", "eu-west-1", "eu-west-1"]);
    expect(
      compareResources(before, kept)
        .filter((c) => c.action === "replace")
        .map((c) => c.name),
    ).toEqual([]);
  });
});

describe("a DynamoDB global table stays in deploy.homeRegion", () => {
  /** Every replica of a global table takes writes: `leader` is only where the table resource lives. */
  const carts = (leader: string, homeRegion?: string): TopologyInput =>
    ({
      name: "shop",
      users: { "eu-west-1": 0.5, "eu-central-1": 0.5 },
      datastores: {
        carts: {
          replication: "multi-leader",
          replicas: 2,
          placement: { "eu-west-1": 1, "eu-central-1": 1 },
          leader,
          deploy: { target: "aws", service: "dynamodb", ...(homeRegion === undefined ? {} : { homeRegion }) },
        },
      },
    }) as TopologyInput;
  const replicaRegions = (p: ResourcePlan) =>
    (named(p, "carts-table").inputs.replicas as { regionName: string }[]).map((r) => r.regionName);
  const dynamoBefore = plan(carts("eu-west-1"));

  it("defaults to the leader: a leader move alone replaces the protected table", () => {
    const moved = plan(carts("eu-central-1"));
    expect(named(moved, "carts-table").region).toBe("eu-central-1");
    const table = compareResources(dynamoBefore, moved).find((c) => c.name === "carts-table");
    expect(table?.action).toBe("replace");
  });

  it("with homeRegion the table and its replicas stay: nothing is replaced or changed", () => {
    const kept = plan(carts("eu-central-1", "eu-west-1"));
    expect(named(kept, "carts-table").region).toBe("eu-west-1");
    expect(replicaRegions(kept)).toEqual(["eu-central-1"]);
    expect(compareResources(dynamoBefore, kept).filter((c) => c.name === "carts-table")).toEqual([]);
  });
});
