import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedDatastore } from "../../model/types.js";
import {
  BURN_RATE_ALERTS,
  burnPairsText,
  DEFAULT_MIN_REQUESTS_PER_SECOND,
  num,
  SLO_WINDOW_SECONDS,
} from "../observability/promql.js";
import type { AwsContext } from "./context.js";
import { logicalName, SHARED } from "./names.js";
import { out, STATEFUL } from "./typed.js";

/** Operations whose SystemErrors / ThrottledRequests are alarmed (metric math, ≤ 10 metrics an alarm). */
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

/** The operations that write (their successful requests: SuccessfulRequestLatency SampleCount). */
export const WRITE_OPERATIONS = [
  "BatchWriteItem",
  "DeleteItem",
  "PutItem",
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
      ctx.expressionAlarm({
        component: store.name,
        region: source,
        key: `replication-latency-to-${receiving}`,
        description: `${store.path}: DynamoDB replication ${source} → ${receiving} above the ${lagMs} ms replicationLagMs SLO, or reporting nothing while ${source} takes writes`,
        namespace: "AWS/DynamoDB",
        metrics: [
          {
            id: "lag",
            metricName: "ReplicationLatency",
            statistic: "Maximum",
            dimensions: { TableName: out(table, "name"), ReceivingRegion: receiving },
          },
          ...WRITE_OPERATIONS.map((Operation, i) => ({
            id: `w${i}`,
            metricName: "SuccessfulRequestLatency",
            statistic: "SampleCount" as const,
            dimensions: { TableName: out(table, "name"), Operation },
          })),
        ],
        expressions: [
          {
            id: "writes",
            expression: `SUM(FILL([${WRITE_OPERATIONS.map((_, i) => `w${i}`).join(", ")}], 0))`,
          },
          // Latency is reported only while there are writes to replicate: a minute with writes and
          // no latency is replication that stopped (breaching). Without counted writes the latency
          // as reported (a backlog still draining, writes through PartiQL or TTL deletions, which
          // these operations do not count); a missing point then is dropped, not breaching (IF).
          {
            id: "latency",
            expression: `IF(writes > 0, FILL(lag, ${lagMs + 1}), lag)`,
            label: "ReplicationLatency, missing while writes are taken counted as breaching",
          },
        ],
        threshold: lagMs,
        treatMissingData: "notBreaching",
      });
    }
    const perOperation = DYNAMODB_OPERATIONS.map((Operation) => ({
      TableName: out(table, "name"),
      Operation,
    }));
    systemErrorAlarms(ctx, store, source, out(table, "name"));
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
 * The operations in two halves of five: one alarm reads a half's SystemErrors and successful
 * requests, 5 + 5 metrics, CloudWatch's most for one alarm (context.ts ALARM_METRICS_LIMIT).
 */
export const OPERATION_HALVES = [DYNAMODB_OPERATIONS.slice(0, 5), DYNAMODB_OPERATIONS.slice(5)] as const;

/**
 * DynamoDB server errors (HTTP 500) in `region`. With an availability SLO, the SLO's multiwindow
 * multi-burn-rate alerts, as the Kubernetes targets' (BURN_RATE_ALERTS: page at 14.4× over 1 h
 * and 5 min or 6× over 6 h and 30 min, ticket at 3× over 1 d and 2 h or 1× over 3 d and 6 h), on
 * the error ratio: SystemErrors over SystemErrors plus successful requests (SuccessfulRequestLatency
 * SampleCount, "the number of successful requests":
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html), with
 * the low-traffic guard of the Prometheus rules (DEFAULT_MIN_REQUESTS_PER_SECOND over the window,
 * shared by the halves). Ten operations' errors and successes are 20 metrics, and an alarm reads
 * at most 10, so the ratio is per half of the operations (OPERATION_HALVES); the worse half's
 * ratio is at least the table's. One metric alarm per
 * window, half and pair, its period the window (CloudWatch allows any multiple of 60 s up to 7
 * days in all: PutMetricAlarm), and one composite alarm per severity,
 * `(ALARM(long) AND ALARM(short)) OR …` over the pairs and halves, the only one that notifies.
 * Without an availability SLO, any server errors in 3 of 5 minutes.
 */
function systemErrorAlarms(
  ctx: AwsContext,
  store: ResolvedDatastore,
  region: string,
  tableName: pulumi.Input<string>,
): void {
  const availability = store.slo.availability;
  if (availability === undefined) {
    ctx.alarm({
      component: store.name,
      region,
      namespace: "AWS/DynamoDB",
      metricName: "SystemErrors",
      dimensions: DYNAMODB_OPERATIONS.map((Operation) => ({ TableName: tableName, Operation })),
      statistic: "Sum",
      comparison: "GreaterThanOrEqualToThreshold",
      key: "system-errors",
      description: `${store.path}: DynamoDB SystemErrors (HTTP 500) in ${region}`,
      threshold: 1,
    });
    return;
  }
  // Three digits: 1 − 0.99999 is 0.00100000000000989 in binary.
  const budget = `${Number(((1 - availability) * 100).toPrecision(3))}%`;
  for (const alert of BURN_RATE_ALERTS) {
    const members: string[] = [];
    const pairs = OPERATION_HALVES.flatMap((operations, half) => {
      const dimensions = operations.map((Operation) => ({ TableName: tableName, Operation }));
      return alert.pairs.map((pair) =>
        [pair.long, pair.short].map((window) => {
          const key = `system-errors-${alert.severity}-${pair.burnRate}x-${window}-ops${half + 1}`;
          const threshold = Number((pair.burnRate * (1 - availability)).toPrecision(6));
          const seconds = SLO_WINDOW_SECONDS[window];
          ctx.ratioAlarm({
            component: store.name,
            region,
            namespace: "AWS/DynamoDB",
            key,
            description: `${store.path}: DynamoDB SystemErrors / requests of ${operations.join(", ")} in ${region} over ${window} at or above ${num(threshold * 100)}%, the ${pair.burnRate}× burn of the ${budget} error budget, with at least ${DEFAULT_MIN_REQUESTS_PER_SECOND / OPERATION_HALVES.length} request/s in these operations (part of the ${alert.severity} burn-rate alarm)`,
            bad: { metricName: "SystemErrors", statistic: "Sum", dimensions },
            good: { metricName: "SuccessfulRequestLatency", statistic: "SampleCount", dimensions },
            // The table's guard shared by its halves: a table at 1 request/s split over both
            // halves still has its ratio alarmed.
            minEvents: (DEFAULT_MIN_REQUESTS_PER_SECOND * seconds) / OPERATION_HALVES.length,
            threshold,
            periodSeconds: seconds,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            notify: false,
          });
          members.push(key);
          return key;
        }),
      );
    });
    const windows = burnPairsText(alert, "×");
    ctx.compositeAlarm({
      component: store.name,
      region,
      key: `system-errors-burn-${alert.severity}`,
      description: `${store.path}: DynamoDB server errors in ${region} burn the ${budget} error budget ${alert.severity === "page" ? "fast" : "steadily"}: ${windows}`,
      members,
      rule: (name) =>
        pairs.map(([long, short]) => `(ALARM("${name(long!)}") AND ALARM("${name(short!)}"))`).join(" OR "),
    });
  }
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
