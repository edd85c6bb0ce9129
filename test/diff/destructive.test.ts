import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { compilePlan } from "../../src/compile/index.js";
import { versionOf } from "../../src/diff/destructive.js";
import { DESTRUCTIVE_FIELD_RULES, type DiffSide, diffTopologies } from "../../src/diff/index.js";
import { ENGINES } from "../../src/engines/registry.js";
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

  it("stream brokers 3 → 2 per region, in the words of what runs them", () => {
    // The same deploy on both sides, the brokers fewer on the second.
    const diff = (deploy: Record<string, unknown> | undefined, from: number, to: number) => {
      const before = structuredClone(base());
      if (deploy !== undefined) before.streams.clicks!.deploy = deploy;
      before.streams.clicks!.replicas = from;
      const after = structuredClone(before);
      after.streams.clicks!.replicas = to;
      return diffTopologies(side(before), side(after)).destructive;
    };
    const fewer = (deploy?: Record<string, unknown>, from = 3, to = 2) =>
      diff(deploy, from, to).find((d) => d.data?.rule === "brokers-removed")?.message;
    // MSK's brokers are a multiple of the cluster's three zones: 3 → 2 replicas keeps 3 brokers.
    expect(fewer()).toBeUndefined();
    expect(fewer(undefined, 6, 3)).toBe(
      "replicas per region: 6 → 3; MSK brokers 6 → 3 in eu-west-1 (a multiple of each cluster's zones): MSK removes a broker only once no partition replica is left on it; with replicas there the update fails",
    );
    // Back up from 2 to 3: no broker is added either.
    expect(
      diff(undefined, 2, 3).find((d) => d.data?.rule === "stream-replication-raised")?.message,
    ).toContain(
      "replicas per region: 2 → 3; MSK keeps 3 brokers per cluster (a multiple of its zones: none is added), but the topic",
    );
    expect(fewer({ target: "kubernetes", engine: "kafka" })).toContain(
      "Strimzi will not remove 1 broker per region that still hold partition replicas",
    );
    // Not "deleted unless the claims are retained": topoplan's StatefulSets retain them.
    expect(fewer({ target: "kubernetes", image: "ghcr.io/acme/log:1.0.0" })).toContain(
      "the StatefulSets stop 1 broker per region; its claim is kept (Retain)",
    );
  });

  it("stream replicas 3 → 5: existing topics keep 3, in the words of what runs them", () => {
    const raised = (minInSync: number, deploy?: Record<string, unknown>) => {
      const before = structuredClone(base());
      if (deploy !== undefined) before.streams.clicks!.deploy = deploy;
      const after = structuredClone(before);
      after.streams.clicks!.replicas = 5;
      after.streams.clicks!.minInSync = minInSync;
      return diffTopologies(side(before), side(after)).destructive.filter(
        (d) => d.data?.rule === "stream-replication-raised",
      );
    };
    const msk = raised(3);
    expect(msk.map((d) => d.path)).toEqual(["streams.clicks.replicas"]);
    expect(msk[0]!.message).toBe(
      "replicas per region: 3 → 5; the brokers are added, but the topic and the internal topics (consumer offsets, transactions) keep 3 replicas: MSK's default.replication.factor applies only to topics created later; with min.insync.replicas 3 on 3 replicas, one broker down stops every acks=all produce and offset commit (NOT_ENOUGH_REPLICAS), while the analysis and the plan assume 5",
    );
    expect(msk[0]!.fix).toContain("reassign every topic's partitions");
    // minInSync above the old count: produces fail with every broker up.
    expect(raised(4)[0]!.message).toContain(
      "with min.insync.replicas 4 on 3 replicas, every acks=all produce and offset commit fails (NOT_ENOUGH_REPLICAS), every broker up or not",
    );
    const strimzi = raised(2, { target: "kubernetes", engine: "kafka" });
    expect(strimzi[0]!.message).toContain("Strimzi's Topic Operator refuses a replication-factor change");
    expect(strimzi[0]!.message).not.toContain("NOT_ENOUGH_REPLICAS");
    // Fewer brokers is another rule; the same count is no change.
    expect(
      rules((s) => {
        s.streams.clicks!.replicas = 2;
      }),
    ).not.toContain("stream-replication-raised");
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

  it("stream partitions 96 → 128 of a keyed stream: 75% of the keys move", () => {
    const keyed = (partitions: number) => {
      const spec = structuredClone(base());
      spec.streams.clicks!.key = "userId";
      spec.streams.clicks!.partitions = partitions;
      return spec;
    };
    const found = diffTopologies(side(keyed(96)), side(keyed(128))).destructive;
    expect(found.map((d) => [d.data?.rule, d.path])).toEqual([
      ["stream-partitions-added", "streams.clicks.partitions"],
    ]);
    expect(found[0]!.message).toBe(
      "partitions 96 → 128 of a stream keyed by userId: a record's partition is hash(key) mod the partition count, so 75% of the keys move to another partition: a key's new records are no longer behind its earlier ones (consumers may read them first), and per-key state (windows, aggregates, changelogs, compaction) splits between two partitions",
    );
    // Doubling moves half.
    expect(diffTopologies(side(keyed(48)), side(keyed(96))).destructive[0]!.message).toContain(
      "50% of the keys",
    );
    // Unkeyed records (no key declared, or the key removed in the same change): nothing moves that matters.
    const unkeyed = structuredClone(keyed(128));
    delete unkeyed.streams.clicks!.key;
    expect(diffTopologies(side(keyed(96)), side(unkeyed)).destructive).toEqual([]);
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

  it("engine version downgrade: a Strimzi image's Kafka version, and from a default version", () => {
    // Two sides of one edit (the base side is given, not the shared baseline).
    const between = (before: (s: Spec) => void, after: (s: Spec) => void) => {
      const a = structuredClone(base());
      before(a);
      const b = structuredClone(a);
      after(b);
      return diffTopologies(side(a), side(b)).destructive.filter((d) => d.data?.rule === "engine-downgraded");
    };
    const strimzi = (tag: string) => (s: Spec) => {
      s.streams.clicks!.deploy = {
        target: "kubernetes",
        engine: "kafka",
        image: `quay.io/strimzi/kafka:${tag}`,
      };
    };
    // Strimzi newer, Kafka older: the Kafka CR's version goes down.
    const kafka = between(strimzi("1.1.0-kafka-4.2.0"), strimzi("1.2.0-kafka-4.1.0"));
    expect(kafka.map((d) => d.path)).toEqual(["streams.clicks.deploy.image"]);
    expect(kafka[0]!.message).toContain(
      "engine version Kafka 4.2.0 (quay.io/strimzi/kafka:1.1.0-kafka-4.2.0) → Kafka 4.1.0 (quay.io/strimzi/kafka:1.2.0-kafka-4.1.0) is a downgrade",
    );
    // Strimzi older, Kafka the same: no downgrade of the data's engine.
    expect(between(strimzi("0.43.0-kafka-3.8.0"), strimzi("0.42.0-kafka-3.8.0"))).toEqual([]);
    // An AWS service's default version, then an older one declared.
    const msk = between(
      (s) => {
        delete s.streams.clicks!.deploy.engineVersion;
      },
      (s) => {
        s.streams.clicks!.deploy.engineVersion = "3.7.x";
      },
    );
    expect(msk.map((d) => d.message)).toEqual([
      expect.stringContaining("engine version 3.8.x (the default) → 3.7.x is a downgrade"),
    ]);
    expect(msk[0]!.fix).toMatch(/^keep 3\.8\.x \(the default\)/);
    const aurora = (s: Spec) => {
      s.datastores.orders = {
        replication: "primary-replica",
        partitions: { count: 1 },
        replicas: 2,
        placement: { "eu-west-1": 2 },
        deploy: { target: "aws", service: "aurora-postgresql" },
      };
      (s as unknown as { services: unknown }).services = {
        api: {
          regions: ["eu-west-1"],
          calls: [{ to: "orders", op: "write", timeoutMs: 500 }],
          deploy: { target: "kubernetes", image: "api:1" },
        },
      };
    };
    const older = between(aurora, (s) => {
      s.datastores.orders!.deploy.engineVersion = "15.4";
    });
    expect(older.map((d) => d.message)).toEqual([
      expect.stringContaining("engine version 16.6 (the default) → 15.4 is a downgrade"),
    ]);
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
    const zones = found.find((d) => d.data?.rule === "pinned-zones-changed")!;
    expect(zones.message).toBe(
      "zones in eu-west-1: eu-west-1c removed; the pods in eu-west-1c must move to eu-west-1a, eu-west-1b, but their volumes are zonal and cannot follow: each comes back only on a new, empty volume in a kept zone and is rebuilt from peers (the quorum is thinner until it catches up), while its old claim is kept (Retain) and its volume billed until deleted by hand",
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
    // Scaling down is also `replicas-removed`: the stopped members' data is no longer a replica.
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
      "CockroachDB nodes in eu-west-1: 3 → 2; orders-eu-west-1c leaves the plan but keeps running once Pulumi forgets it, its node still a member until decommissioned",
    );
    // One StatefulSet per zone: the zone's set goes whole (kept running), none stops a pod.
    expect(shrunk.find((d) => d.data?.rule === "replicas-removed")?.message).toContain(
      "replicas in eu-west-1: 3 → 2; the StatefulSet orders-eu-west-1c leaves the plan, but it is protected and kept on delete (retainOnDelete)",
    );
    // A zone dropped: its set is not moved, it stays running once Pulumi forgets it.
    const moved = diffTopologies(
      orders(2, cockroach),
      orders(2, (store) => {
        cockroach(store);
        store.zones = { "eu-west-1": ["eu-west-1a", "eu-west-1c"] };
      }),
    ).destructive.find((d) => d.path === "datastores.orders.zones.eu-west-1");
    expect(moved?.message).toContain(
      "the StatefulSets of eu-west-1b are not moved: the StatefulSet orders-eu-west-1b leaves the plan",
    );
    // Six over three zones to three: each zone's set stops its second pod, without a drain.
    const halved = diffTopologies(orders(6, cockroach), orders(3, cockroach)).destructive;
    expect(halved.find((d) => d.data?.rule === "decommission-skipped")?.message).toContain(
      "CockroachDB nodes in eu-west-1: 6 → 3; orders-eu-west-1a, orders-eu-west-1b, orders-eu-west-1c stop 3 pods without draining them",
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

  // A PR comment cut to its limit keeps the first rows: a whole store's loss comes before a part.
  it("lists the gravest first: a removed store before a primary move at an earlier path", () => {
    const withAaa = structuredClone(base());
    withAaa.datastores.aaa = {
      replication: "primary-replica",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "kubernetes", image: "db:1" },
    };
    const edited = structuredClone(withAaa);
    edited.datastores.aaa!.leader = "eu-central-1";
    delete (edited.datastores as Record<string, unknown>).orders;
    (edited.services as { api: { calls: unknown[] } }).api.calls = [];
    const rules = diffTopologies(side(withAaa), side(edited)).destructive.map((d) => d.data?.rule);
    expect(rules.indexOf("component-removed")).toBeGreaterThanOrEqual(0);
    expect(rules.indexOf("component-removed")).toBeLessThan(rules.indexOf("primary-moved"));
    // A rename deletes the old component's data as a removal does.
    const renamed = structuredClone(withAaa);
    renamed.datastores.aaa!.leader = "eu-central-1";
    renamed.datastores.zorders = renamed.datastores.orders!;
    delete (renamed.datastores as Record<string, unknown>).orders;
    (renamed.services as { api: { calls: { to: string }[] } }).api.calls[0]!.to = "zorders";
    const order = diffTopologies(side(withAaa), side(renamed)).destructive.map((d) => d.data?.rule);
    expect(order.indexOf("component-renamed")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("component-renamed")).toBeLessThan(order.indexOf("primary-moved"));
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
    // docs/aws.md's switchover: RDS moved the primary without loss; the spec follows, no promotion.
    expect(kept).toEqual([]);
  });

  // A major version: a new parameter group family and a new MSK configuration, both replaced.
  it("an Aurora or MSK engine upgrade replaces the parameter group and the configuration (not in place)", () => {
    const withVersions = (aurora: string, msk: string) => {
      const spec = base();
      spec.datastores.orders = {
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader: "eu-west-1",
        deploy: { target: "aws", service: "aurora-postgresql", engineVersion: aurora },
      };
      (spec as Record<string, unknown>).streams = {
        events: {
          regions: ["eu-west-1"],
          partitions: 3,
          replicas: 3,
          deploy: { target: "aws", service: "msk", engineVersion: msk },
        },
      };
      return side(spec);
    };
    const upgraded = diffTopologies(withVersions("16.6", "3.8.x"), withVersions("17.4", "3.9.x")).resources;
    const action = (type: string) => [
      ...new Set(upgraded.filter((r) => r.type === type).map((r) => r.action)),
    ];
    expect(action("aws:rds/clusterParameterGroup:ClusterParameterGroup")).toEqual(["replace"]);
    expect(action("aws:msk/configuration:Configuration")).toEqual(["replace"]);
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
      "stream-replication-raised",
      "stream-partitions-added",
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

  it("an MSK broker volume made smaller: refused by the service, not replaced", () => {
    const a = structuredClone(base());
    a.streams.clicks!.deploy.storageGi = 500;
    const b = structuredClone(a);
    b.streams.clicks!.deploy.storageGi = 400;
    const shrunk = diffTopologies(side(a), side(b)).destructive.find((d) => d.data?.rule === "volume-shrunk");
    expect(shrunk?.message).toBe(
      "volume size 500 → 400 GiB: the service grows a volume but never shrinks one: the update is refused and pulumi up fails, nothing replaced",
    );
  });

  it("an unchanged spec has no destructive change", () => {
    expect(rules(() => {})).toEqual([]);
  });
});

/**
 * The replica and zone rules explain what the change does for what runs the store: a StatefulSet
 * topoplan compiles (claims retained), CloudNativePG's Cluster, an AWS service, or someone else.
 * Which changes are destructive does not depend on it: only the words do.
 */
describe("destructive-change: replicas and zones in the words of what runs the store", () => {
  const KUBERNETES_WORDS = /StatefulSet|PersistentVolumeClaim|persistentVolumeClaimRetentionPolicy/;
  const store = (deploy: Record<string, unknown>, placement: Record<string, number>, extra = {}) =>
    side({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        carts: {
          replication: deploy.service === "dynamodb" ? "multi-leader" : "primary-replica",
          replicas: Object.values(placement).reduce((a, b) => a + b, 0),
          placement,
          leader: "eu-west-1",
          deploy,
          ...extra,
        },
      },
    });
  const change = (
    deploy: Record<string, unknown>,
    from: Record<string, number>,
    to: Record<string, number>,
    extra = {},
  ) => diffTopologies(store(deploy, from, extra), store(deploy, to, extra)).destructive;
  const rule = (found: ReturnType<typeof change>, id: string) => found.find((d) => d.data?.rule === id)!;

  it("DynamoDB losing a region: the replica table is deleted with its items, no StatefulSet words", () => {
    const dynamodb = { target: "aws", service: "dynamodb" };
    const found = change(
      dynamodb,
      { "eu-west-1": 1, "eu-central-1": 1, "eu-north-1": 1 },
      { "eu-west-1": 1, "eu-central-1": 1 },
    );
    expect(found.map((d) => [d.data?.rule, d.path])).toEqual([
      ["protected-delete", "datastores.carts"],
      ["replicas-removed", "datastores.carts.placement.eu-north-1"],
      ["pinned-zones-changed", "datastores.carts.zones.eu-north-1"],
    ]);
    const removed = rule(found, "replicas-removed");
    expect(removed.message).toBe(
      "replicas in eu-north-1: 1 → 0; the global table's replica in eu-north-1 is deleted with every item in it (DynamoDB's DeleteTableReplica); the replicas in the other regions keep theirs, but writes made in eu-north-1 that have not replicated yet are lost",
    );
    expect(removed.fix).toBe(
      "move the clients in eu-north-1 to another region first and wait until their writes have replicated (the ReplicationLatency metric near zero); take an on-demand backup first if the copy in eu-north-1 must be kept",
    );
    // The zones go with the region: nothing is rescheduled between zones.
    const zones = rule(found, "pinned-zones-changed");
    expect(zones.message).toBe(
      "zones in eu-north-1: eu-north-1a, eu-north-1b, eu-north-1c removed; they go with the region's only replica (datastores.carts.placement.eu-north-1: 1 → 0), so nothing moves between zones: the finding at datastores.carts.placement.eu-north-1 says what becomes of it",
    );
    expect(zones.fix).toBe(removed.fix);
    for (const d of [removed, zones]) expect(`${d.message} ${d.fix}`).not.toMatch(KUBERNETES_WORDS);
  });

  it("DynamoDB losing the region its table lives in: the table would be replaced, and its home cannot stay behind", () => {
    const carts = (placement: Record<string, number>, leader: string, homeRegion?: string) =>
      store(
        { target: "aws", service: "dynamodb", ...(homeRegion === undefined ? {} : { homeRegion }) },
        placement,
        { leader },
      );
    const moved = diffTopologies(
      carts({ "eu-west-1": 1, "eu-central-1": 1 }, "eu-west-1"),
      carts({ "eu-central-1": 1 }, "eu-central-1"),
    ).destructive;
    expect(moved.map((d) => d.data?.rule)).toEqual([
      "protected-delete",
      "protected-replace",
      "dynamodb-home-moved",
      "replicas-removed",
      "pinned-zones-changed",
    ]);
    expect(rule(moved, "replicas-removed").message).toBe(
      "replicas in eu-west-1: 1 → 0; the table itself lives in eu-west-1 (its home: deploy.homeRegion, @default the leader), and a resource cannot change region: the protected table would be replaced with every replica, each starting empty",
    );
    // Not "set deploy.homeRegion: eu-west-1": a home must hold a replica (spec/home-not-placed).
    expect(rule(moved, "replicas-removed").fix).toBe(
      "keep eu-west-1 in the placement: the global table's home cannot move; to leave eu-west-1, create a new table elsewhere, migrate the items, then retire this one",
    );
  });

  it("DynamoDB and S3 with fewer replicas in a region that keeps one: nothing is deleted", () => {
    for (const [service, resource] of [
      ["dynamodb", "replica table"],
      ["s3", "bucket"],
    ]) {
      const found = change(
        { target: "aws", service },
        { "eu-west-1": 1, "eu-central-1": 2 },
        { "eu-west-1": 1, "eu-central-1": 1 },
      );
      expect(found.map((d) => d.data?.rule)).toEqual(["replicas-removed"]);
      expect(found[0]!.message).toContain(
        `replicas in eu-central-1: 2 → 1; ${service === "s3" ? "S3" : "DynamoDB"} keeps one ${resource} per region whatever the count: nothing in eu-central-1 is deleted`,
      );
    }
  });

  it("S3 losing a region: the bucket is kept on delete and stops receiving writes", () => {
    const found = change(
      { target: "aws", service: "s3" },
      { "eu-west-1": 1, "eu-central-1": 1 },
      { "eu-west-1": 1 },
    );
    expect(found.map((d) => d.data?.rule)).toEqual([
      "protected-delete",
      "replicas-removed",
      "pinned-zones-changed",
    ]);
    const removed = rule(found, "replicas-removed");
    expect(removed.message).toContain(
      "the bucket in eu-central-1 leaves the plan and replication to it stops, but it is protected and kept on delete (retainOnDelete)",
    );
    expect(`${removed.message} ${removed.fix}`).not.toMatch(KUBERNETES_WORDS);
  });

  it("Aurora: fewer instances lose no data; a region's instances are deleted and its cluster kept", () => {
    const aurora = { target: "aws", service: "aurora-postgresql" };
    const fewer = change(
      aurora,
      { "eu-west-1": 2, "eu-central-1": 2 },
      { "eu-west-1": 2, "eu-central-1": 1 },
    );
    expect(fewer.map((d) => d.data?.rule)).toEqual(["replicas-removed"]);
    expect(fewer[0]!.message).toBe(
      "replicas in eu-central-1: 2 → 1; Aurora deletes 1 DB instance of the cluster in eu-central-1 (the highest-numbered); the data lives in the cluster's storage volume, not in its instances, so none is lost, but 1 instance is left there to serve reads and take over as writer (a deleted writer fails over to a reader)",
    );
    const gone = change(aurora, { "eu-west-1": 2, "eu-central-1": 1 }, { "eu-west-1": 2 });
    expect(gone.map((d) => d.data?.rule)).toEqual([
      "protected-delete",
      "replicas-removed",
      "pinned-zones-changed",
    ]);
    const removed = rule(gone, "replicas-removed");
    expect(removed.message).toContain(
      "replicas in eu-central-1: 1 → 0; the DB instances in eu-central-1 are deleted, and the cluster there leaves the plan",
    );
    expect(removed.fix).toContain("aws rds remove-from-global-cluster");
    for (const d of [...fewer, removed]) expect(`${d.message} ${d.fix}`).not.toMatch(KUBERNETES_WORDS);
    // Zones moved in a region that keeps its instances: they are replaced, the data stays.
    const moved = diffTopologies(
      store(
        aurora,
        { "eu-west-1": 2, "eu-central-1": 1 },
        { zones: { "eu-west-1": ["eu-west-1a", "eu-west-1b"] } },
      ),
      store(
        aurora,
        { "eu-west-1": 2, "eu-central-1": 1 },
        { zones: { "eu-west-1": ["eu-west-1a", "eu-west-1c"] } },
      ),
    ).destructive;
    const zoneRule = rule(moved, "pinned-zones-changed");
    expect(zoneRule.message).toBe(
      "zones in eu-west-1: eu-west-1b removed; the DB instances are spread again over eu-west-1a, eu-west-1c without eu-west-1b, and each whose zone changes is replaced (an instance's availabilityZone cannot change in place; the plan's resource changes name them): the data lives in the cluster's storage and stays, but a replaced instance serves nothing until its replacement is up (a replaced writer fails over to a reader)",
    );
  });

  it("CloudNativePG: the operator deletes a removed standby's claim; a region's Cluster is kept", () => {
    const cnpg = { target: "kubernetes", engine: "postgresql" };
    const fewer = change(cnpg, { "eu-west-1": 3, "eu-central-1": 1 }, { "eu-west-1": 2, "eu-central-1": 1 });
    expect(fewer.map((d) => d.data?.rule)).toEqual(["replicas-removed"]);
    expect(fewer[0]!.message).toBe(
      "replicas in eu-west-1: 3 → 2; the CloudNativePG operator removes 1 instance of the Cluster in eu-west-1 (the newest standby, never the primary) and deletes its PersistentVolumeClaim: that copy of the data is gone, while the primary and the other standbys keep theirs",
    );
    expect(fewer[0]!.message).not.toMatch(/StatefulSet|unless/);
    const gone = change(cnpg, { "eu-west-1": 3, "eu-central-1": 1 }, { "eu-west-1": 3 });
    const removed = rule(gone, "replicas-removed");
    expect(removed.message).toContain(
      "the CloudNativePG Cluster in eu-central-1 leaves the plan, but it is protected and kept on delete (retainOnDelete)",
    );
    expect(removed.message).not.toContain("StatefulSet");
  });

  it("a StatefulSet topoplan compiles: the pods stop, the retained claims stay, no retention is asked for", () => {
    const sts = { target: "kubernetes", image: "db:1" };
    const fewer = change(sts, { "eu-west-1": 3, "eu-central-1": 1 }, { "eu-west-1": 2, "eu-central-1": 1 });
    expect(fewer.map((d) => d.data?.rule)).toEqual(["replicas-removed"]);
    expect(fewer[0]!.message).toBe(
      "replicas in eu-west-1: 3 → 2; the StatefulSet stops its 1 highest-numbered pod; its claim is kept (persistentVolumeClaimRetentionPolicy: Retain), so the volume stays and is billed until deleted by hand, but the data on it is no longer a replica: it receives no writes once the pod stops",
    );
    expect(fewer[0]!.fix).not.toMatch(/retain|unless/i);
    const gone = change(sts, { "eu-west-1": 3, "eu-central-1": 2 }, { "eu-west-1": 3 });
    expect(gone.map((d) => d.data?.rule)).toEqual([
      "protected-delete",
      "protected-delete",
      "replicas-removed",
    ]);
    expect(rule(gone, "replicas-removed").message).toBe(
      "replicas in eu-central-1: 2 → 0; the StatefulSets in eu-central-1 leave the plan, but they are protected and kept on delete (retainOnDelete): pulumi up refuses to delete them and, once they are unprotected, forgets them without deleting them, so their 2 pods keep running and their claims keep their volumes, billed, outside what topoplan plans and analyses until deleted by hand",
    );
  });

  it("an external store: whoever runs it removes the replicas", () => {
    const found = change(
      { target: "external" },
      { "eu-west-1": 3, "eu-central-1": 1 },
      { "eu-west-1": 2, "eu-central-1": 1 },
    );
    expect(found.map((d) => [d.data?.rule, d.message])).toEqual([
      [
        "replicas-removed",
        "replicas in eu-west-1: 3 → 2; topoplan deploys nothing for an external datastore: whoever runs it removes 1 replica there, and with it that copy of the data",
      ],
    ]);
  });

  it("every operator-managed datastore engine has words of its own", () => {
    // A new one needs its entry in OPERATED (src/diff/destructive.ts) and a case above; until then
    // its replica changes get the generic operator words, not a StatefulSet's.
    const operated = Object.values(ENGINES).filter(
      (e) => e.managedBy === "operator" && e.capabilities.kind === "datastores",
    );
    expect(operated.map((e) => e.id)).toEqual(["postgresql"]);
  });
});
