import { describe, expect, it } from "vitest";
import { byText } from "../../../src/order.js";
import { at, byType, euSpec, named, plan, refsIn } from "./helpers.js";

const compiled = plan(euSpec());

describe("DynamoDB global table", () => {
  const table = named(compiled, "carts-table");

  it("lives in the leader region with one replica per other placement region", () => {
    expect(table.region).toBe("eu-west-1");
    expect(at(table.inputs, "replicas")).toEqual([
      expect.objectContaining({ regionName: "eu-central-1" }),
      expect.objectContaining({ regionName: "eu-north-1" }),
    ]);
  });

  it("is encrypted with a customer-managed key of each replica's own region", () => {
    expect(at(table.inputs, "serverSideEncryption")).toEqual({
      enabled: true,
      kmsKeyArn: { $ref: "carts-kms-key-eu-west-1", property: "arn" },
    });
    for (const replica of at(table.inputs, "replicas") as { regionName: string; kmsKeyArn: unknown }[]) {
      expect(replica.kmsKeyArn).toEqual({ $ref: `carts-kms-key-${replica.regionName}`, property: "arn" });
      expect(named(compiled, `carts-kms-key-${replica.regionName}`).region).toBe(replica.regionName);
    }
  });

  it("has deletion protection, point-in-time recovery and streams in every replica", () => {
    expect(table.inputs).toMatchObject({
      deletionProtectionEnabled: true,
      pointInTimeRecovery: { enabled: true },
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      billingMode: "PAY_PER_REQUEST",
      hashKey: "cartId",
      attributes: [{ name: "cartId", type: "S" }],
      name: "shop-carts",
    });
    for (const replica of at(table.inputs, "replicas") as object[])
      expect(replica).toMatchObject({ deletionProtectionEnabled: true, pointInTimeRecovery: true });
  });

  it("is protected and retained on delete", () => {
    expect(table.options).toEqual({ protect: true, retainOnDelete: true });
  });

  it("defaults the hash key to pk", () => {
    const p = plan(euSpec({ carts: { partitions: { count: 1 } } }));
    expect(at(named(p, "carts-table").inputs, "hashKey")).toBe("pk");
  });
});

describe("KMS keys", () => {
  it("rotate, and are as protected as the data they encrypt (alarm topic keys encrypt no data)", () => {
    const keys = byType(compiled, "aws:kms/key:Key");
    expect(keys.map((k) => k.name)).toContain("orders-kms-key-eu-central-1");
    for (const key of keys) {
      expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      expect(key.options, key.name).toEqual(
        key.component === "" ? undefined : { protect: true, retainOnDelete: true },
      );
    }
  });
});

describe("Aurora global database", () => {
  const clusters = byType(compiled, "aws:rds/cluster:Cluster");
  const primary = named(compiled, "orders-cluster-eu-west-1");
  const secondary = named(compiled, "orders-cluster-eu-central-1");

  it("has a global cluster, the writer in the leader region and a secondary elsewhere", () => {
    expect(named(compiled, "orders-global-cluster").inputs).toMatchObject({
      globalClusterIdentifier: "shop-orders",
      engine: "aurora-postgresql",
      storageEncrypted: true,
      deletionProtection: true,
    });
    expect(clusters.map((c) => c.region).sort()).toEqual(["eu-central-1", "eu-west-1"]);
    for (const cluster of clusters)
      expect(at(cluster.inputs, "globalClusterIdentifier")).toEqual({
        $ref: "orders-global-cluster",
        property: "id",
      });
    // Aurora global databases reject manageMasterUserPassword: a generated password instead.
    expect(primary.inputs).toMatchObject({
      masterPassword: { $runtime: "password", key: "orders-master-password" },
      masterUsername: "topoplan_admin",
    });
    expect(at(primary.inputs, "manageMasterUserPassword")).toBeUndefined();
    expect(at(secondary.inputs, "masterUsername")).toBeUndefined();
  });

  it("attaches secondaries only after the primary's instances exist", () => {
    expect(secondary.options?.dependsOn).toEqual([
      "orders-instance-1-eu-west-1",
      "orders-instance-2-eu-west-1",
      "orders-instance-3-eu-west-1",
    ]);
  });

  it("encrypts, protects and backs up every cluster in its own region", () => {
    for (const cluster of clusters) {
      expect(cluster.inputs).toMatchObject({
        storageEncrypted: true,
        kmsKeyId: { $ref: `orders-kms-key-${cluster.region}`, property: "arn" },
        deletionProtection: true,
        backupRetentionPeriod: 14,
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        dbSubnetGroupName: { $ref: `orders-subnet-group-${cluster.region}`, property: "name" },
      });
      expect(cluster.options).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  it("honours backupRetentionDays", () => {
    const p = plan(euSpec(), { backupRetentionDays: 30 });
    expect(at(named(p, "orders-cluster-eu-west-1").inputs, "backupRetentionPeriod")).toBe(30);
  });

  it("places one instance per replica, round-robin over the region's zones", () => {
    const instances = byType(compiled, "aws:rds/clusterInstance:ClusterInstance");
    const zonesOf = (region: string) =>
      instances
        .filter((i) => i.region === region)
        .sort((a, b) => byText(a.name, b.name))
        .map((i) => at(i.inputs, "availabilityZone"));
    expect(zonesOf("eu-west-1")).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(zonesOf("eu-central-1")).toEqual(["eu-central-1a", "eu-central-1b"]);
    for (const instance of instances) expect(at(instance.inputs, "publiclyAccessible")).toBe(false);
  });

  it("puts its subnet group over one subnet per zone of the placement", () => {
    expect(at(named(compiled, "orders-subnet-group-eu-central-1").inputs, "subnetIds")).toEqual([
      { $ref: "aws-subnet-eu-central-1a", property: "id" },
      { $ref: "aws-subnet-eu-central-1b", property: "id" },
      { $ref: "aws-subnet-eu-central-1c", property: "id" },
    ]);
  });
});

describe("S3 with replication", () => {
  it("creates a versioned, KMS-encrypted, private bucket in every placement region", () => {
    for (const region of ["eu-west-1", "eu-central-1"]) {
      const bucket = named(compiled, `media-bucket-${region}`);
      expect(bucket.options).toEqual({ protect: true, retainOnDelete: true });
      expect(at(bucket.inputs, "forceDestroy")).toBe(false);
      expect(
        at(named(compiled, `media-bucket-versioning-${region}`).inputs, "versioningConfiguration"),
      ).toEqual({
        status: "Enabled",
      });
      expect(at(named(compiled, `media-bucket-sse-${region}`).inputs, "rules", 0)).toEqual({
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: { $ref: `media-kms-key-${region}`, property: "arn" },
        },
        bucketKeyEnabled: true,
      });
      expect(named(compiled, `media-bucket-public-access-block-${region}`).inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
  });

  it("replicates from the leader's bucket to the others only, re-encrypting with their keys", () => {
    const replication = named(compiled, "media-bucket-replication");
    expect(replication.region).toBe("eu-west-1");
    expect(at(replication.inputs, "bucket")).toEqual({ $ref: "media-bucket-eu-west-1", property: "id" });
    expect(at(replication.inputs, "rules")).toEqual([
      expect.objectContaining({
        id: "to-eu-central-1",
        status: "Enabled",
        destination: expect.objectContaining({
          bucket: { $ref: "media-bucket-eu-central-1", property: "arn" },
          encryptionConfiguration: {
            replicaKmsKeyId: { $ref: "media-kms-key-eu-central-1", property: "arn" },
          },
        }),
      }),
    ]);
    expect(replication.options?.dependsOn).toEqual([
      "media-bucket-versioning-eu-central-1",
      "media-bucket-versioning-eu-west-1",
    ]);
    expect(at(replication.inputs, "role")).toEqual({ $ref: "media-replication-role", property: "arn" });
  });

  it("gives the replication role only the source and destination buckets and keys", () => {
    const policy = named(compiled, "media-replication-policy");
    const resources = (at(policy.inputs, "policy", "Statement") as { Resource: unknown[] }[]).flatMap(
      (s) => s.Resource,
    );
    expect(resources.filter((r) => typeof r === "string")).toEqual([
      "arn:aws:s3:::shop-media-eu-west-1-*",
      "arn:aws:s3:::shop-media-eu-west-1-*/*",
      "arn:aws:s3:::shop-media-eu-central-1-*/*",
    ]);
    expect(refsIn(resources).map((r) => r.$ref)).toEqual([
      "media-kms-key-eu-west-1",
      "media-kms-key-eu-central-1",
    ]);
  });

  it("has no replication when the store lives in one region", () => {
    const p = plan(euSpec({ media: { replicas: 1, placement: { "eu-west-1": 1 } } }));
    expect(byType(p, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toEqual([]);
    expect(byType(p, "aws:iam/role:Role").filter((r) => r.name.includes("replication"))).toEqual([]);
  });
});
