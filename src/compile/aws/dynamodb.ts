import type { ResolvedDatastore } from "../../model/types.js";
import type { AwsContext } from "./context.js";
import { logicalName, SHARED } from "./names.js";
import { out, STATEFUL } from "./typed.js";

/** Operations whose SystemErrors / ThrottledRequests are alarmed (metric-math sum, ≤ 10 metrics). */
export const DYNAMODB_OPERATIONS = [
  "BatchGetItem",
  "BatchWriteItem",
  "DeleteItem",
  "GetItem",
  "PutItem",
  "Query",
  "Scan",
  "TransactGetItems",
  "TransactWriteItems",
  "UpdateItem",
] as const;

/** Default hash key when `partitions.key` is not given. */
export const DEFAULT_HASH_KEY = "pk";

/**
 * A DynamoDB global table (version 2019.11.21): the table in the home region (`deploy.homeRegion`,
 * @default the leader) and one replica in every other placement region. Every replica takes writes,
 * so the home is only where the resource lives: it stays put when `leader` moves (a resource cannot
 * change region; the protected table would be replaced). On-demand billing: a global table's
 * replicas must all absorb a failed-over region's writes, which provisioned capacity sized from
 * today's traffic would throttle (see docs/aws.md).
 */
export function compileDynamoDb(ctx: AwsContext, store: ResolvedDatastore): void {
  const home = (store.deploy.target === "aws" ? store.deploy.homeRegion : undefined) ?? store.leader;
  const others = store.regions.filter((region) => region !== home);
  const tableName = ctx.physical([store.name], 255);
  const hashKey = store.partitions.key ?? DEFAULT_HASH_KEY;
  const table = ctx.emit({
    type: "aws:dynamodb/table:Table",
    name: logicalName(store.name, "table"),
    region: home,
    component: store.name,
    args: {
      name: tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey,
      attributes: [{ name: hashKey, type: "S" }],
      // Global tables replicate through streams; NEW_AND_OLD_IMAGES is what they require.
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: out(ctx.kmsKey(store.name, home), "arn") },
      deletionProtectionEnabled: true,
      replicas: others.map((region) => ({
        regionName: region,
        kmsKeyArn: out(ctx.kmsKey(store.name, region), "arn"),
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        propagateTags: true,
      })),
      tags: ctx.tags(store.name),
    },
    options: STATEFUL,
  });

  // Dimensions and units: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
  const lagMs = store.slo.replicationLagMs;
  for (const source of store.regions) {
    // ReplicationLatency (ms) is emitted in the source region, per receiving region, while it has
    // writes to replicate; every replica of a multi-active table may be a source, the model's write
    // regions are (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html).
    for (const receiving of store.regions) {
      // Only a region that takes writes has anything to replicate: a read-only replica's alarm,
      // breaching on missing data, would stay in ALARM for good.
      if (receiving === source || lagMs === undefined || !store.writeRegions.includes(source)) continue;
      ctx.alarm({
        component: store.name,
        region: source,
        key: `replication-latency-to-${receiving}`,
        description: `${store.path}: DynamoDB replication ${source} → ${receiving} above the ${lagMs} ms replicationLagMs SLO`,
        namespace: "AWS/DynamoDB",
        metricName: "ReplicationLatency",
        dimensions: [{ TableName: out(table, "name"), ReceivingRegion: receiving }],
        statistic: "Maximum",
        threshold: lagMs,
        // Replication that stops reports no latency at all: silence must page too (an idle
        // table alarms as well; that is the price of seeing a stopped replica).
        treatMissingData: "breaching",
      });
    }
    const perOperation = DYNAMODB_OPERATIONS.map((Operation) => ({
      TableName: out(table, "name"),
      Operation,
    }));
    ctx.alarm({
      component: store.name,
      region: source,
      key: "system-errors",
      description: `${store.path}: DynamoDB SystemErrors (HTTP 500) in ${source} above ${systemErrorThreshold(store)} per minute`,
      namespace: "AWS/DynamoDB",
      metricName: "SystemErrors",
      dimensions: perOperation,
      statistic: "Sum",
      threshold: systemErrorThreshold(store),
      comparison: "GreaterThanOrEqualToThreshold",
    });
    ctx.alarm({
      component: store.name,
      region: source,
      key: "throttled-requests",
      description: `${store.path}: DynamoDB requests throttled in ${source}`,
      namespace: "AWS/DynamoDB",
      metricName: "ThrottledRequests",
      dimensions: perOperation,
      statistic: "Sum",
      threshold: 0,
    });
    dynamoUserErrorsAlarm(ctx, source);
    ctx.widget(source, {
      component: store.name,
      title: "DynamoDB replication latency (ms)",
      stat: "Maximum",
      metrics: store.regions
        .filter((r) => r !== source)
        .map((r) => ["AWS/DynamoDB", "ReplicationLatency", "TableName", tableName, "ReceivingRegion", r]),
      ...(lagMs === undefined ? {} : { threshold: { label: "replicationLagMs SLO", value: lagMs } }),
    });
    ctx.widget(source, {
      component: store.name,
      title: "DynamoDB errors and throttles",
      stat: "Sum",
      metrics: [
        ["AWS/DynamoDB", "UserErrors"],
        ...["SystemErrors", "ThrottledRequests"].flatMap((metric) =>
          ["GetItem", "PutItem", "Query", "UpdateItem"].map((op) => [
            "AWS/DynamoDB",
            metric,
            "TableName",
            tableName,
            "Operation",
            op,
          ]),
        ),
      ],
    });
  }
}

/**
 * SystemErrors per minute at which the availability SLO's error budget burns at 1×:
 * (1 − availability) × requests per second × 60, over the table's regions; at least 1. Without
 * an availability SLO or traffic figures, any server error alarms (threshold 1).
 */
export function systemErrorThreshold(store: ResolvedDatastore): number {
  const availability = store.slo.availability;
  const traffic = store.traffic;
  if (availability === undefined || traffic === undefined) return 1;
  const perRegionPerMinute = ((traffic.readsPerSec + traffic.writesPerSec) * 60) / store.regions.length;
  return Math.max(1, Math.round((1 - availability) * perRegionPerMinute));
}

/**
 * UserErrors (HTTP 400s) is an account-and-region metric with no table dimension: one alarm per
 * region, shared by all tables there. Default threshold: 100 per minute for 5 minutes running.
 */
export const USER_ERRORS_PER_MINUTE = 100;

function dynamoUserErrorsAlarm(ctx: AwsContext, region: string): void {
  if (ctx.has(logicalName(SHARED, "alarm-dynamodb-user-errors", region))) return;
  ctx.alarm({
    component: "",
    region,
    key: "dynamodb-user-errors",
    description: `DynamoDB UserErrors (HTTP 400) in ${region} at or above ${USER_ERRORS_PER_MINUTE} per minute for 5 minutes (all tables of the account)`,
    namespace: "AWS/DynamoDB",
    metricName: "UserErrors",
    dimensions: [{}],
    statistic: "Sum",
    threshold: USER_ERRORS_PER_MINUTE,
    comparison: "GreaterThanOrEqualToThreshold",
    datapointsToAlarm: 5,
  });
}
