import { inputProblem } from "../../diagnostics/diagnostic.js";
import type { RegionPlacement, ResolvedDatastore } from "../../model/types.js";
import { AWS_REPLICAS_PER_REGION } from "../../spec/semantic/deploy.js";
import { callersOf } from "./callers.js";
import type { AwsContext } from "./context.js";
import { logicalName, physicalName, rdsIdentifier } from "./names.js";
import { isExistingNetwork } from "./options.js";
import { firstDefined, generatedPassword, jsonDocument, out, STATEFUL } from "./typed.js";

/**
 * Room for a cluster parameter group's `namePrefix`: RDS allows 255 characters, and the provider
 * appends a 26-character unique suffix (terraform-provider-aws, `id.UniqueIDSuffixLength`) after
 * the prefix's closing hyphen.
 */
const PARAMETER_GROUP_PREFIX_MAX = 255 - 26 - 1;

/** @default engine version of new Aurora PostgreSQL global databases */
export const AURORA_ENGINE_VERSION = "16.6";
/** Global databases need memory-optimised (r-class) instances. */
export const AURORA_INSTANCE_CLASS = "db.r6g.large";
export const AURORA_PORT = 5432;
export const DEFAULT_BACKUP_RETENTION_DAYS = 14;
export const AURORA_MASTER_USER = "topoplan_admin";
/** Instances per Aurora cluster: 1 writer, 15 readers (the source is named at AWS_REPLICAS_PER_REGION). */
const AURORA_INSTANCES = AWS_REPLICAS_PER_REGION["aurora-postgresql"]!;
/** Highest failover priority tier (RDS API CreateDBInstance, PromotionTier: 0–15). */
const MAX_PROMOTION_TIER = 15;

/**
 * Aurora global databases do not support `manageMasterUserPassword` (RDS rejects it: "Global
 * clusters do not support managed master user password"), so the program generates the master
 * password (node:crypto, a Pulumi secret) and stores it in a Secrets Manager secret encrypted
 * with the component's key and replicated to every region of the database.
 *
 * Every member cluster has the same `ignoreChanges`, whatever its role, because roles change
 * without Pulumi: a managed switchover or failover (`aws rds switchover-global-cluster`,
 * `failover-global-cluster`) makes a secondary the primary, and `leader` is then edited to match.
 * - `engineVersion`: upgrades go through the global cluster (rds.GlobalCluster, "Upgrading Engine
 *   Versions").
 * - `replicationSourceIdentifier`: AWS sets it on whichever cluster is secondary; removing it
 *   would ask the provider to promote the cluster out of the global database (rds.Cluster docs).
 * - `masterUsername`, `masterPassword`: only the cluster created as primary takes them (RDS
 *   refuses both on a secondary: "Cannot specify user name for cross region replication
 *   cluster"), and `masterUsername` cannot change in place, so without this a `leader` edit would
 *   replace both clusters. The password of the first deployment stays (rotate it in Secrets
 *   Manager, not by redeploying).
 */
const MEMBER_IGNORES = [
  "engineVersion",
  "replicationSourceIdentifier",
  "masterUsername",
  "masterPassword",
] as const;

/**
 * An Aurora PostgreSQL global database: the global cluster, the primary (writer) cluster in the
 * leader region and a secondary (read-only) cluster in every other placement region, each with
 * one instance per placed replica spread round-robin over the region's zones. The global cluster
 * and the master secret live in `deploy.homeRegion` (@default the leader): a resource cannot move
 * between regions' providers, so after a switchover the old leader stays their home.
 *
 * Backups: automated backups and snapshots stay in each cluster's own region (inside the
 * residency, checked by the caller); Aurora has no cross-region automated-backup replication,
 * and topoplan emits no snapshot copies.
 */
export function compileAurora(ctx: AwsContext, store: ResolvedDatastore): void {
  const engine = "aurora-postgresql" as const;
  const deploy = store.deploy.target === "aws" ? store.deploy : undefined;
  const home = deploy?.homeRegion ?? store.leader;
  const engineVersion = deploy?.engineVersion ?? AURORA_ENGINE_VERSION;
  const instanceClass = deploy?.instanceClass ?? AURORA_INSTANCE_CLASS;
  const retention = ctx.options.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
  const callers = callersOf(ctx.model, store.name);
  const identifier = rdsIdentifier(ctx.physical([store.name], 63), 63);
  const family = `aurora-postgresql${engineVersion.split(".")[0]}`;

  const global = ctx.emit({
    type: "aws:rds/globalCluster:GlobalCluster",
    name: logicalName(store.name, "global-cluster"),
    region: home,
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
    const subnetZones = subnetGroupZones(ctx, store, placement);
    if (subnetZones === undefined || tooManyInstances(ctx, store, placement)) continue;
    const key = ctx.kmsKey(store.name, region);
    const subnetGroup = ctx.emit({
      type: "aws:rds/subnetGroup:SubnetGroup",
      name: logicalName(store.name, "subnet-group", region),
      region,
      component: store.name,
      args: {
        description: `${store.path} in ${region}`,
        subnetIds: ctx.subnets(region, subnetZones, false),
        tags: ctx.tags(store.name),
      },
    });
    const sg = ctx.securityGroup(store.name, region, AURORA_PORT, callers);
    const clusterIdentifier = rdsIdentifier(ctx.physical([store.name, region], 63), 63);
    // rds.force_ssl: the cluster refuses unencrypted connections (Aurora PostgreSQL docs, "Securing
    // Aurora PostgreSQL data with SSL/TLS"). Parameter groups are regional: one per cluster.
    const parameters = ctx.emit({
      type: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
      name: logicalName(store.name, "cluster-parameters", region),
      region,
      component: store.name,
      args: {
        // Not auto-named from the logical name: RDS refuses `--` in a parameter group's name,
        // which component names may hold (rdsIdentifier collapses it). A prefix, so a new family
        // (a major version) can be created before the old group goes.
        namePrefix: `${rdsIdentifier(ctx.physical([store.name, region, "params"], PARAMETER_GROUP_PREFIX_MAX), PARAMETER_GROUP_PREFIX_MAX)}-`,
        family,
        description: `${store.path}: TLS required`,
        parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
        tags: ctx.tags(store.name),
      },
    });
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
          ? { masterUsername: AURORA_MASTER_USER, masterPassword: generatedPassword(passwordKey(store.name)) }
          : {}),
        dbClusterParameterGroupName: out(parameters, "name"),
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
      options: {
        ...STATEFUL,
        ...(primary ? {} : { dependsOn: primaryInstances }),
        ignoreChanges: [...MEMBER_IGNORES],
      },
    });
    if (primary) masterSecret(ctx, store, home, cluster, ctx.kmsKey(store.name, home));
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
            // Replicas beyond the 16th are refused above; the clamp keeps the tier valid regardless.
            promotionTier: Math.min(i, MAX_PROMOTION_TIER),
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: out(key, "arn"),
            copyTagsToSnapshot: true,
            tags: ctx.tags(store.name),
          },
        }),
      );
    }
    if (primary) primaryInstances = instances;

    // AuroraGlobalDBReplicationLag: milliseconds, published only in a secondary's region, by
    // DBClusterIdentifier (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html,
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html).
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
        // Replication that stops reports no lag at all: silence must page too. So the alarm waits
        // for the secondary's instances, which publish the metric: created before them, it would
        // page on every first deployment.
        treatMissingData: "breaching",
        dependsOn: instances,
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

const passwordKey = (store: string) => `${store}-master-password`;

const placementPath = (store: ResolvedDatastore, region: string) =>
  store.autoPlaced ? `${store.path}.placement` : `${store.path}.placement["${region}"]`;

/**
 * Zones of the DB subnet group: a subnet group must cover at least two zones, even when every
 * instance is in one (RDS user guide, "Working with a DB instance in a VPC"). So: the placement's
 * zones, completed to two from the region's zones the catalog knows (as many as an account may
 * use, accountZoneLimit) — no more: each is a subnet topoplan creates, and not every account can
 * create one in every zone name of a region (us-east-1 has six; EC2 refuses some per account).
 * Instances stay pinned to the placement's zones. Undefined, with a problem reported, when fewer
 * than two zones are known for topoplan's own network.
 */
function subnetGroupZones(
  ctx: AwsContext,
  store: ResolvedDatastore,
  placement: RegionPlacement,
): string[] | undefined {
  const region = placement.region;
  const known = ctx.model.catalog.regions.get(region);
  const usable = (known?.zones ?? []).slice(0, known?.accountZoneLimit ?? Number.POSITIVE_INFINITY);
  const zones = [...new Set(placement.zones)];
  for (const zone of usable) if (zones.length < 2 && !zones.includes(zone)) zones.push(zone);
  zones.sort();
  if (zones.length >= 2 || isExistingNetwork(ctx.options.awsNetwork?.[region])) return zones;
  ctx.problems.push(
    inputProblem(
      "aws/aurora-zones",
      placementPath(store, region),
      `an Aurora DB subnet group must cover at least two zones, and topoplan knows ${zones.length} in ${region}`,
      `use a region with two or more zones, or configure topoplan:network["${region}"] with subnets in two zones`,
    ),
  );
  return undefined;
}

/** More replicas in a region than one Aurora cluster can hold: reported (the spec check reports it first). */
function tooManyInstances(ctx: AwsContext, store: ResolvedDatastore, placement: RegionPlacement): boolean {
  if (placement.replicas <= AURORA_INSTANCES.max) return false;
  ctx.problems.push(
    inputProblem(
      "aws/aurora-instances",
      placementPath(store, placement.region),
      `${placement.replicas} replicas in ${placement.region}, but ${AURORA_INSTANCES.why}`,
      `place at most ${AURORA_INSTANCES.max} replicas in ${placement.region}`,
    ),
  );
  return true;
}

/** The master credentials in Secrets Manager, replicated to the database's other regions. */
function masterSecret(
  ctx: AwsContext,
  store: ResolvedDatastore,
  region: string,
  cluster: string,
  key: string,
): void {
  const secret = ctx.emit({
    type: "aws:secretsmanager/secret:Secret",
    name: logicalName(store.name, "master-secret"),
    region,
    component: store.name,
    args: {
      name: ctx.physical([store.name, "master"], 512, "/"),
      description: `${store.path}: Aurora master credentials (generated by the topoplan program)`,
      kmsKeyId: out(key, "arn"),
      recoveryWindowInDays: 30,
      replicas: store.regions
        .filter((r) => r !== region)
        .map((r) => ({ region: r, kmsKeyId: out(ctx.kmsKey(store.name, r), "arn") })),
      tags: ctx.tags(store.name),
    },
    options: { retainOnDelete: true },
  });
  ctx.emit({
    type: "aws:secretsmanager/secretVersion:SecretVersion",
    name: logicalName(store.name, "master-secret-version"),
    region,
    component: store.name,
    args: {
      secretId: out(secret, "id"),
      // The shape of RDS-managed secrets, so the usual clients and rotation functions read it.
      secretString: jsonDocument({
        engine: "postgres",
        host: out(cluster, "endpoint"),
        port: AURORA_PORT,
        username: AURORA_MASTER_USER,
        // The cluster's own, as its state holds it: a run after a first `pulumi up` that created the
        // cluster and failed before this version generates another password, which the cluster
        // ignores (MEMBER_IGNORES) — taken from here, the secret would hold a password that opens
        // nothing. Of every member: only the one created as primary holds one (a cluster created as
        // secondary never does, even after a switchover and a `leader` edit made it the primary).
        password: firstDefined(
          `the master password of ${store.path} (held by its member cluster created as primary)`,
          store.placement.map((p) => out(logicalName(store.name, "cluster", p.region), "masterPassword")),
        ),
      }),
    },
    options: {
      ignoreChanges: ["secretString"],
      additionalSecretOutputs: ["secretString"],
      retainOnDelete: true,
    },
  });
}
