import { describe, expect, test } from "vitest";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { validateTopology } from "../../src/spec/validate.js";

const store = (extra: Record<string, unknown>) =>
  ({
    name: "t",
    datastores: {
      db: {
        replication: "primary-replica",
        replicas: 3,
        placement: { "eu-west-1": 2, "eu-central-1": 1 },
        leader: "eu-west-1",
        ...extra,
      },
    },
  }) as unknown as TopologyInput;

const errors = (t: TopologyInput) =>
  validateTopology(t)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.path}: ${d.message}`);

describe("an engine asked for what it does not implement is invalid input", () => {
  test.each([
    [
      "multi-leader on PostgreSQL",
      { replication: "multi-leader", deploy: { target: "kubernetes", engine: "postgresql" } },
      'datastores.db.replication: PostgreSQL does not implement replication "multi-leader"',
    ],
    [
      "leaderless on etcd",
      { replication: "leaderless", deploy: { target: "kubernetes", engine: "etcd" } },
      'datastores.db.replication: etcd does not implement replication "leaderless"',
    ],
    [
      "strong consistency on Redis",
      { consistency: "strong", deploy: { target: "kubernetes", engine: "redis" } },
      'datastores.db.consistency: Redis does not implement consistency "strong"',
    ],
    [
      "64 partitions on etcd",
      {
        replication: "consensus",
        partitions: { count: 64 },
        deploy: { target: "kubernetes", engine: "etcd" },
      },
      "datastores.db.partitions.count: etcd holds one partition",
    ],
    [
      "a synchronous PostgreSQL standby only in another region",
      {
        sync: "semi-sync",
        placement: { "eu-west-1": 1, "eu-central-1": 2 },
        deploy: { target: "kubernetes", engine: "postgresql" },
      },
      "datastores.db.sync: PostgreSQL replicates synchronously only inside the primary's region",
    ],
    [
      "kafka for a datastore",
      { deploy: { target: "kubernetes", engine: "kafka" } },
      "datastores.db.deploy.engine: Apache Kafka (Strimzi) cannot run datastores",
    ],
  ])("%s", (_, extra, message) => {
    expect(errors(store(extra)).join("\n")).toContain(message);
  });

  test("what the engines do implement passes", () => {
    expect(
      errors(store({ sync: "semi-sync", deploy: { target: "kubernetes", engine: "postgresql" } })),
    ).toEqual([]);
    expect(
      errors(
        store({ replication: "consensus", replicas: 3, deploy: { target: "kubernetes", engine: "etcd" } }),
      ),
    ).toEqual([]);
  });

  test("an image without an engine stays a generic workload (v1 specs stay valid)", () => {
    expect(
      errors(store({ partitions: { count: 64 }, deploy: { target: "kubernetes", image: "postgres:16.4" } })),
    ).toEqual([]);
  });
});
