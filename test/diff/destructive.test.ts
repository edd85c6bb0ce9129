import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { compilePlan } from "../../src/compile/index.js";
import { versionOf } from "../../src/diff/destructive.js";
import { DESTRUCTIVE_FIELD_RULES, type DiffSide, diffTopologies } from "../../src/diff/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology } from "../../src/spec/schema/topology.js";

/**
 * One test per field whose change loses data, breaks residency or forces a replacement (issue #14
 * item 4): each edit of a realistic base spec must give exactly the named `destructive-change`
 * rule, and the message must say which field and what happens.
 */
type Spec = {
  datastores: Record<string, Record<string, unknown> & { deploy: Record<string, unknown> }>;
  streams: Record<string, Record<string, unknown> & { deploy: Record<string, unknown> }>;
};

function base(): Spec & Record<string, unknown> {
  return {
    name: "shop",
    users: { "eu-west-1": 1 },
    datastores: {
      orders: {
        replication: "consensus",
        partitions: { count: 64, key: "orderId", strategy: "hash" },
        replicas: 3,
        placement: { "eu-west-1": 3 },
        zones: { "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"] },
        residency: ["EU"],
        backup: { regions: ["eu-central-1"] },
        deploy: {
          target: "kubernetes",
          image: "cockroachdb/cockroach:v24.1.3",
          storageGi: 100,
          storageClass: "gp3",
        },
      },
    },
    services: {
      api: {
        regions: ["eu-west-1"],
        calls: [{ to: "orders", op: "write", timeoutMs: 500 }],
        deploy: { target: "kubernetes", image: "api:1" },
      },
    },
    streams: {
      clicks: {
        regions: ["eu-west-1"],
        partitions: 96,
        replicas: 3,
        retentionHours: 720,
        residency: ["EU"],
        producers: ["api"],
        traffic: { messagesPerSec: 1000, messageBytes: 512 },
        deploy: { target: "aws", service: "msk", engineVersion: "3.8.1" },
      },
    },
  };
}

function side(spec: unknown): DiffSide {
  const topology = Topology.parse(spec);
  const model = resolveModel(topology, buildCatalog(topology));
  const analysis = analyse(model);
  return { model, analysis, plan: compilePlan(model, analysis) };
}

const baseline = side(base());
function destructive(edit: (s: Spec) => void) {
  const spec = structuredClone(base());
  edit(spec);
  return diffTopologies(baseline, side(spec)).destructive;
}
const rules = (edit: (s: Spec) => void) => destructive(edit).map((d) => d.data?.rule);

describe("destructive-change: one test per field", () => {
  it("stream retentionHours 720 → 1", () => {
    const found = destructive((s) => {
      s.streams.clicks!.retentionHours = 1;
    });
    expect(found.map((d) => [d.data?.rule, d.path])).toEqual([
      ["retention-shortened", "streams.clicks.retentionHours"],
    ]);
    expect(found[0]!.message).toContain("retention 720 h → 1 h: messages older than 1 h are deleted");
    expect(
      rules((s) => {
        s.streams.clicks!.retentionHours = 1000;
      }),
    ).toEqual([]);
  });

  it("stream partitions 96 → 48", () => {
    const found = destructive((s) => {
      s.streams.clicks!.partitions = 48;
    });
    expect(found.map((d) => [d.data?.rule, d.path])).toEqual([
      ["stream-partitions-reduced", "streams.clicks.partitions"],
    ]);
    expect(found[0]!.message).toContain("Kafka cannot remove partitions");
    // Nothing is deleted: Kafka keeps the partitions (Strimzi refuses, MSK applies it to new topics).
    expect(found[0]!.message).toContain("the topic keeps 96");
    expect(found[0]!.message).not.toMatch(/deleted|recreated|lost/);
    expect(
      rules((s) => {
        s.streams.clicks!.partitions = 192;
      }),
    ).toEqual([]);
  });

  it("datastore partitions 64 → 8", () => {
    const found = destructive((s) => {
      (s.datastores.orders!.partitions as { count: number }).count = 8;
    });
    expect(found.map((d) => [d.data?.rule, d.path])).toEqual([
      ["datastore-partitions-reduced", "datastores.orders.partitions.count"],
    ]);
    expect(found.find((d) => d.data?.rule === "datastore-partitions-reduced")!.message).toBe(
      "partitions 64 → 8: merging partitions re-shards every item (hash placement changes with the count), a bulk data migration",
    );
  });

  it("deploy.storageClass gp3 → io2: immutable volumeClaimTemplates, the protected StatefulSet is replaced", () => {
    const found = destructive((s) => {
      s.datastores.orders!.deploy.storageClass = "io2";
    });
    expect(found.map((d) => d.data?.rule).sort()).toEqual(["protected-replace", "storage-class-changed"]);
    const replace = found.find((d) => d.data?.rule === "protected-replace")!;
    expect(replace.message).toContain("spec.volumeClaimTemplates cannot change in place");
    expect(replace.data?.resources).toEqual(["eu-west-1/shop/StatefulSet/orders"]);
  });

  it("engine version downgrade: image tag v24.1.3 → v23.2.0 and MSK engineVersion 3.8.1 → 3.7.0", () => {
    const image = destructive((s) => {
      s.datastores.orders!.deploy.image = "cockroachdb/cockroach:v23.2.0";
    });
    expect(image.map((d) => [d.data?.rule, d.path])).toEqual([
      ["engine-downgraded", "datastores.orders.deploy.image"],
    ]);
    expect(image[0]!.message).toContain(
      "engine version cockroachdb/cockroach:v24.1.3 → cockroachdb/cockroach:v23.2.0 is a downgrade",
    );
    const msk = destructive((s) => {
      s.streams.clicks!.deploy.engineVersion = "3.7.0";
    });
    expect(msk.map((d) => [d.data?.rule, d.path])).toEqual([
      ["engine-downgraded", "streams.clicks.deploy.engineVersion"],
    ]);
    // Upgrades and another repository are not downgrades.
    expect(
      rules((s) => {
        s.datastores.orders!.deploy.image = "cockroachdb/cockroach:v24.2.0";
      }),
    ).toEqual([]);
    expect(
      rules((s) => {
        s.streams.clicks!.deploy.engineVersion = "3.9.0";
      }),
    ).toEqual([]);
    expect(
      rules((s) => {
        s.datastores.orders!.deploy.image = "mirror.local/cockroach:v1.0";
      }),
    ).toEqual([]);
  });

  it("versionOf reads tags, registries with ports and digests", () => {
    expect(versionOf("cockroachdb/cockroach:v24.1.3")).toEqual([24, 1, 3]);
    expect(versionOf("registry:5000/pg:16.4-alpine")).toEqual([16, 4]);
    expect(versionOf("registry:5000/pg")).toBeUndefined();
    expect(versionOf("3.8.x")).toEqual([3, 8]);
    expect(versionOf("pg:latest@sha256:abc")).toBeUndefined();
  });

  it("residency EU → US, and residency removed", () => {
    const moved = destructive((s) => {
      s.datastores.orders!.residency = ["US"];
    });
    expect(moved.map((d) => [d.data?.rule, d.path])).toEqual([
      ["residency-changed", "datastores.orders.residency"],
    ]);
    expect(moved[0]!.message).toBe(
      "residency EU → US: data held under EU residency would be allowed (and with the placement, moved) outside it",
    );
    const removed = destructive((s) => void delete s.streams.clicks!.residency);
    expect(removed.map((d) => [d.data?.rule, d.path, d.message])).toEqual([
      [
        "residency-changed",
        "streams.clicks.residency",
        "residency EU removed: the data collected under it may now be stored and processed anywhere",
      ],
    ]);
    // Adding a jurisdiction narrows nothing.
    expect(
      rules((s) => {
        s.datastores.orders!.residency = ["EU", "CH"];
      }),
    ).toEqual([]);
  });

  it("backup removed", () => {
    const found = destructive((s) => void delete s.datastores.orders!.backup);
    expect(found.map((d) => [d.data?.rule, d.path])).toEqual([
      ["backup-removed", "datastores.orders.backup.regions"],
    ]);
    expect(found[0]!.message).toContain("backups in eu-central-1 removed");
  });

  it("pinned zones changed", () => {
    const found = destructive((s) => {
      s.datastores.orders!.zones = { "eu-west-1": ["eu-west-1a", "eu-west-1b"] };
    });
    expect(found.map((d) => [d.data?.rule, d.path])).toContainEqual([
      "pinned-zones-changed",
      "datastores.orders.zones.eu-west-1",
    ]);
    expect(found.find((d) => d.data?.rule === "pinned-zones-changed")!.message).toContain(
      "zones in eu-west-1: eu-west-1c removed",
    );
  });

  it("etcd membership changed: added members are refused, removed ones keep counting in the quorum", () => {
    const etcd = (placement: Record<string, number>) =>
      side({
        name: "cp",
        users: { "eu-west-1": 1 },
        datastores: {
          config: {
            replication: "consensus",
            replicas: Object.values(placement).reduce((a, b) => a + b, 0),
            placement,
            deploy: { target: "kubernetes", engine: "etcd" },
          },
        },
      });
    const grown = diffTopologies(
      etcd({ "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 }),
      etcd({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }),
    ).destructive;
    expect(grown.map((d) => [d.data?.rule, d.path])).toEqual([
      ["etcd-membership-changed", "datastores.config.placement.eu-central-1"],
      ["etcd-membership-changed", "datastores.config.placement.eu-west-1"],
    ]);
    expect(grown[0]!.message).toContain(
      "etcd members in eu-central-1: 1 → 2; the compiled members start with --initial-cluster-state=new",
    );
    expect(grown[0]!.fix).toContain("etcdctl member add");
    // Scaling down is also the StatefulSet's volume loss.
    const shrunk = diffTopologies(
      etcd({ "eu-west-1": 2, "eu-central-1": 2, "eu-north-1": 1 }),
      etcd({ "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 }),
    ).destructive.map((d) => d.data?.rule);
    expect(shrunk).toContain("etcd-membership-changed");
    expect(shrunk).toContain("replicas-removed");
    // Not for other engines: CockroachDB's nodes join a running cluster by --join.
    expect(
      rules((spec) => {
        spec.datastores.orders!.placement = { "eu-west-1": 4 };
        spec.datastores.orders!.replicas = 4;
      }),
    ).not.toContain("etcd-membership-changed");
  });

  it("CockroachDB or Cassandra nodes removed without decommissioning", () => {
    // `orders` with n replicas in eu-west-1, changed further by `change`. The engine is declared:
    // an engine's image alone runs as a generic StatefulSet (resolve.ts).
    type Store = ReturnType<typeof base>["datastores"]["orders"] & object;
    const orders = (n: number, change: (store: Store) => void = () => {}) => {
      const spec = base();
      const store = spec.datastores.orders!;
      store.placement = { "eu-west-1": n };
      store.replicas = n;
      change(store);
      return side(spec);
    };
    const cockroach = (store: Store) => {
      store.deploy = { ...store.deploy, engine: "cockroachdb" } as Store["deploy"];
    };
    const shrunk = diffTopologies(orders(3, cockroach), orders(2, cockroach)).destructive;
    const skipped = shrunk.find((d) => d.data?.rule === "decommission-skipped");
    expect(skipped?.path).toBe("datastores.orders.placement.eu-west-1");
    expect(skipped?.message).toContain(
      "CockroachDB nodes in eu-west-1: 3 → 2; the StatefulSet stops its 1 highest-numbered pod without draining it",
    );
    expect(skipped?.fix).toContain("cockroach node decommission");
    const cassandra = (n: number) =>
      orders(n, (store) =>
        Object.assign(store, {
          replication: "multi-leader",
          consistency: "eventual",
          deploy: { target: "kubernetes", engine: "cassandra", storageGi: 100 },
        }),
      );
    const cass = diffTopologies(cassandra(4), cassandra(3)).destructive.find(
      (d) => d.data?.rule === "decommission-skipped",
    );
    expect(cass?.message).toContain("Cassandra nodes in eu-west-1: 4 → 3");
    expect(cass?.fix).toContain("nodetool decommission");
    // Adding nodes needs nothing of the kind; nor does an image without a declared engine.
    expect(diffTopologies(cassandra(3), cassandra(4)).destructive.map((d) => d.data?.rule)).not.toContain(
      "decommission-skipped",
    );
    expect(diffTopologies(orders(3), orders(2)).destructive.map((d) => d.data?.rule)).toEqual([
      "replicas-removed",
    ]);
  });

  it("primary region moved with asynchronous replication (the unshipped writes are lost)", () => {
    const store = (leader: string, changes: Record<string, unknown> = {}) => {
      const spec = base();
      spec.datastores.orders = {
        replication: "primary-replica",
        consistency: "session",
        replicas: 3,
        placement: { "eu-west-1": 2, "eu-central-1": 1 },
        leader,
        residency: ["EU"],
        deploy: { target: "kubernetes", image: "postgres:16.4", storageGi: 100 },
        ...changes,
      };
      return side(spec);
    };
    const moved = diffTopologies(store("eu-west-1"), store("eu-central-1")).destructive;
    expect(moved.filter((d) => d.data?.rule === "primary-moved").map((d) => [d.path, d.message])).toEqual([
      [
        "datastores.orders.leader",
        "primary eu-west-1 → eu-central-1 with async replication: the replica in eu-central-1 is promoted with what it has received, so writes eu-west-1 acknowledged but had not shipped yet (up to the replication lag) are lost, and eu-west-1 must be rebuilt as a replica",
      ],
    ]);
    const rulesOf = (a: DiffSide, b: DiffSide) => diffTopologies(a, b).destructive.map((d) => d.data?.rule);
    // A synchronous standby holds every acknowledged write.
    const sync = { sync: "sync" };
    expect(rulesOf(store("eu-west-1", sync), store("eu-central-1", sync))).not.toContain("primary-moved");
    // S3 turns the replication around and deletes no object.
    const s3 = { deploy: { target: "aws", service: "s3" }, slo: { replicationLagMs: 1_000_000 } };
    expect(rulesOf(store("eu-west-1", s3), store("eu-central-1", s3))).not.toContain("primary-moved");
    // A consensus leader move is a lease transfer.
    const raft = {
      replication: "consensus",
      consistency: "strong",
      deploy: base().datastores.orders!.deploy,
    };
    expect(rulesOf(store("eu-west-1", raft), store("eu-central-1", raft))).toEqual([]);
  });

  it("an Aurora leader move without homeRegion would move the global cluster; with it, nothing moves", () => {
    const aurora = (leader: string, homeRegion?: string) => {
      const spec = base();
      spec.datastores.orders = {
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader,
        residency: ["EU"],
        deploy: {
          target: "aws",
          service: "aurora-postgresql",
          ...(homeRegion === undefined ? {} : { homeRegion }),
        },
      };
      return side(spec);
    };
    const moved = diffTopologies(aurora("eu-west-1"), aurora("eu-central-1")).destructive;
    const home = moved.find((d) => d.data?.rule === "aurora-home-moved");
    expect(home?.path).toBe("datastores.orders.leader");
    expect(home?.fix).toContain("set deploy.homeRegion: eu-west-1");
    const kept = diffTopologies(aurora("eu-west-1"), aurora("eu-central-1", "eu-west-1")).destructive;
    expect(kept.map((d) => d.data?.rule)).not.toContain("aurora-home-moved");
    expect(kept.map((d) => d.message).join("\n")).not.toContain("global-cluster");
  });

  it("a DynamoDB leader move without homeRegion would replace the global table; with it, nothing moves", () => {
    const carts = (leader: string, homeRegion?: string) => {
      const spec = base();
      spec.datastores.orders = {
        replication: "multi-leader",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader,
        residency: ["EU"],
        deploy: { target: "aws", service: "dynamodb", ...(homeRegion === undefined ? {} : { homeRegion }) },
      };
      return side(spec);
    };
    const moved = diffTopologies(carts("eu-west-1"), carts("eu-central-1")).destructive;
    const home = moved.find((d) => d.data?.rule === "dynamodb-home-moved");
    expect(home?.path).toBe("datastores.orders.leader");
    expect(home?.message).toContain("the protected table with every replica would be replaced");
    expect(home?.fix).toBe("in this change set deploy.homeRegion: eu-west-1 so the table stays where it is");
    // Nothing else is wrong with the move: every replica of a global table takes writes.
    expect(moved.map((d) => d.data?.rule)).toEqual(["protected-replace", "dynamodb-home-moved"]);
    // The replacement's own fix names the way out too, not only a migration.
    expect(moved[0]?.fix).toMatch(
      /^keep it in eu-west-1 \(an Aurora global cluster or a DynamoDB table: set deploy\.homeRegion there\), or make the change/,
    );
    const kept = diffTopologies(carts("eu-west-1"), carts("eu-central-1", "eu-west-1")).destructive;
    expect(kept).toEqual([]);
  });

  it("every field rule has an id and a test above", () => {
    const tested = new Set([
      "retention-shortened",
      "stream-partitions-reduced",
      "datastore-partitions-reduced",
      "storage-class-changed",
      "engine-downgraded",
      "residency-changed",
      "backup-removed",
      "pinned-zones-changed",
      "etcd-membership-changed",
      "decommission-skipped",
      "primary-moved",
      "aurora-home-moved",
      "dynamodb-home-moved",
      // test/diff/diff.test.ts
      "replicas-removed",
      "partitioning-changed",
      "volume-shrunk",
      "replication-changed",
      "deploy-target-changed",
      "brokers-removed",
      "stream-region-removed",
    ]);
    for (const rule of DESTRUCTIVE_FIELD_RULES) expect(tested, rule.id).toContain(rule.id);
  });

  it("an unchanged spec has no destructive change", () => {
    expect(rules(() => {})).toEqual([]);
  });
});
