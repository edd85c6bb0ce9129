import type { ResolvedDatastore } from "../../model/types.js";
import { callersOf } from "./callers.js";
import type { AwsContext } from "./context.js";
import { logicalName, physicalName } from "./names.js";
import { out, STATEFUL } from "./typed.js";

/** @default engine version of new Aurora PostgreSQL global databases */
export const AURORA_ENGINE_VERSION = "16.6";
/** Global databases need memory-optimised (r-class) instances. */
export const AURORA_INSTANCE_CLASS = "db.r6g.large";
export const AURORA_PORT = 5432;
export const DEFAULT_BACKUP_RETENTION_DAYS = 14;

/**
 * An Aurora PostgreSQL global database: the global cluster, the primary (writer) cluster in the
 * leader region and a secondary (read-only) cluster in every other placement region, each with
 * one instance per placed replica spread round-robin over the region's zones.
 *
 * Backups: automated backups and snapshots stay in each cluster's own region (inside the
 * residency, checked by the caller); Aurora has no cross-region automated-backup replication,
 * and topoplan emits no snapshot copies.
 */
export function compileAurora(ctx: AwsContext, store: ResolvedDatastore): void {
  const engine = "aurora-postgresql" as const;
  const deploy = store.deploy.target === "aws" ? store.deploy : undefined;
  const engineVersion = deploy?.engineVersion ?? AURORA_ENGINE_VERSION;
  const instanceClass = deploy?.instanceClass ?? AURORA_INSTANCE_CLASS;
  const retention = ctx.options.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
  const callers = callersOf(ctx.model, store.name);
  const identifier = physicalName([ctx.model.name, store.name], 63);

  const global = ctx.emit({
    type: "aws:rds/globalCluster:GlobalCluster",
    name: logicalName(store.name, "global-cluster"),
    region: store.leader,
    component: store.name,
    args: {
      globalClusterIdentifier: identifier,
      engine,
      engineVersion,
      storageEncrypted: true,
      deletionProtection: true,
      tags: ctx.tags(store.name),
    },
    options: STATEFUL,
  });

  // Primary first: secondaries attach once the primary has a writer instance.
  const ordered = [
    ...store.placement.filter((p) => p.region === store.leader),
    ...store.placement.filter((p) => p.region !== store.leader),
  ];
  let primaryInstances: string[] = [];
  for (const placement of ordered) {
    const region = placement.region;
    const primary = region === store.leader;
    const key = ctx.kmsKey(store.name, region);
    const subnetGroup = ctx.emit({
      type: "aws:rds/subnetGroup:SubnetGroup",
      name: logicalName(store.name, "subnet-group", region),
      region,
      component: store.name,
      args: {
        description: `${store.path} in ${region}`,
        subnetIds: ctx.subnets(region, placement.zones, false),
        tags: ctx.tags(store.name),
      },
    });
    const sg = ctx.securityGroup(store.name, region, AURORA_PORT, callers);
    const clusterIdentifier = physicalName([ctx.model.name, store.name, region], 63);
    const cluster = ctx.emit({
      type: "aws:rds/cluster:Cluster",
      name: logicalName(store.name, "cluster", region),
      region,
      component: store.name,
      args: {
        clusterIdentifier,
        engine,
        engineVersion,
        globalClusterIdentifier: out(global, "id"),
        ...(primary
          ? {
              masterUsername: "topoplan_admin",
              manageMasterUserPassword: true,
              masterUserSecretKmsKeyId: out(key, "arn"),
            }
          : {}),
        port: AURORA_PORT,
        dbSubnetGroupName: out(subnetGroup, "name"),
        vpcSecurityGroupIds: [out(sg, "id")],
        storageEncrypted: true,
        kmsKeyId: out(key, "arn"),
        deletionProtection: true,
        backupRetentionPeriod: retention,
        preferredBackupWindow: "02:00-03:00",
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: physicalName([clusterIdentifier, "final"], 255),
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql"],
        tags: ctx.tags(store.name),
      },
      options: primary ? STATEFUL : { ...STATEFUL, dependsOn: primaryInstances },
    });
    const instances: string[] = [];
    for (let i = 0; i < placement.replicas; i++) {
      const zone = placement.zones[i % placement.zones.length];
      instances.push(
        ctx.emit({
          type: "aws:rds/clusterInstance:ClusterInstance",
          name: logicalName(store.name, `instance-${i + 1}`, region),
          region,
          component: store.name,
          args: {
            identifier: physicalName([clusterIdentifier, String(i + 1)], 63),
            clusterIdentifier: out(cluster, "id"),
            engine,
            instanceClass,
            ...(zone === undefined ? {} : { availabilityZone: zone }),
            dbSubnetGroupName: out(subnetGroup, "name"),
            publiclyAccessible: false,
            promotionTier: i,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: out(key, "arn"),
            copyTagsToSnapshot: true,
            tags: ctx.tags(store.name),
          },
        }),
      );
    }
    if (primary) primaryInstances = instances;

    const lagMs = store.slo.replicationLagMs;
    if (!primary && lagMs !== undefined) {
      ctx.alarm({
        component: store.name,
        region,
        key: "global-replication-lag",
        description: `${store.path}: Aurora global replication lag ${store.leader} → ${region} above the ${lagMs} ms replicationLagMs SLO`,
        namespace: "AWS/RDS",
        metricName: "AuroraGlobalDBReplicationLag",
        dimensions: [{ DBClusterIdentifier: out(cluster, "clusterIdentifier") }],
        statistic: "Maximum",
        threshold: lagMs,
      });
    }
    ctx.widget(region, {
      component: store.name,
      title: primary ? "Aurora writer: commit latency (ms)" : "Aurora global replication lag (ms)",
      stat: primary ? "Average" : "Maximum",
      metrics: [
        [
          "AWS/RDS",
          primary ? "CommitLatency" : "AuroraGlobalDBReplicationLag",
          "DBClusterIdentifier",
          clusterIdentifier,
        ],
      ],
      ...(primary || lagMs === undefined
        ? {}
        : { threshold: { label: "replicationLagMs SLO", value: lagMs } }),
    });
  }
}
