import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { at, byType, euSpec, named, plan } from "./helpers.js";

const compiled = plan(euSpec());
const alarm = (name: string): PlannedResource => named(compiled, name);

describe("CloudWatch alarms carry the spec's SLO numbers", () => {
  // The latency each replication alarm reads: its first metric (the rest count the writes).
  const latencyOf = (a: PlannedResource) =>
    at(a.inputs, "metricQueries", 0, "metric") as Record<string, unknown>;
  const replicationAlarms = (p: typeof compiled) =>
    byType(p, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) =>
      a.name.startsWith("carts-alarm-replication-latency-to-"),
    );

  it("DynamoDB ReplicationLatency: every source → receiving pair, at replicationLagMs", () => {
    const latency = replicationAlarms(compiled);
    expect(latency).toHaveLength(6); // 3 regions × 2 receiving regions
    for (const a of latency) {
      expect(a.inputs).toMatchObject({ threshold: 1200, treatMissingData: "notBreaching" });
      expect(latencyOf(a)).toMatchObject({ metricName: "ReplicationLatency", stat: "Maximum" });
    }
    expect(latencyOf(alarm("carts-alarm-replication-latency-to-eu-north-1-eu-central-1"))).toMatchObject({
      namespace: "AWS/DynamoDB",
      dimensions: { TableName: { $ref: "carts-table", property: "name" }, ReceivingRegion: "eu-north-1" },
    });
  });

  it("DynamoDB ReplicationLatency only from regions that take writes (`leaders`): a read-only replica emits none", () => {
    const limited = plan(euSpec({ carts: { leaders: ["eu-west-1"] } }));
    const sources = replicationAlarms(limited).map((a) => [
      a.region,
      (latencyOf(a).dimensions as Record<string, unknown>).ReceivingRegion,
    ]);
    expect(sources).toEqual([
      ["eu-west-1", "eu-central-1"],
      ["eu-west-1", "eu-north-1"],
    ]);
  });

  it("DynamoDB ReplicationLatency: silence breaches only while the source region takes writes", () => {
    // An idle table reports no latency and must not page; one taking writes and reporting none
    // has stopped replicating and must (review: `breaching` paged on every idle minute).
    const a = alarm("carts-alarm-replication-latency-to-eu-north-1-eu-central-1");
    const queries = at(a.inputs, "metricQueries") as {
      id: string;
      expression?: string;
      returnData: boolean;
      metric?: Record<string, unknown>;
    }[];
    expect(
      queries
        .slice(1, 6)
        .map((q) => [
          q.metric?.metricName,
          q.metric?.stat,
          (q.metric?.dimensions as Record<string, string> | undefined)?.Operation,
        ]),
    ).toEqual(
      ["BatchWriteItem", "DeleteItem", "PutItem", "TransactWriteItems", "UpdateItem"].map((op) => [
        "SuccessfulRequestLatency",
        "SampleCount",
        op,
      ]),
    );
    expect(queries.at(-1)).toMatchObject({
      expression: "IF(writes > 0, FILL(lag, 1201), lag)",
      returnData: true,
    });
    expect(queries.filter((q) => q.returnData)).toHaveLength(1);
  });

  it("DynamoDB SystemErrors: the availability SLO's multiwindow burn rates on the error ratio, one composite alarm per severity", () => {
    // 99.9%: 14.4 × 0.1% = 1.44% of requests over 1 h and 5 min, with at least 1 request/s.
    const long = alarm("carts-alarm-system-errors-page-14.4x-1h-ops1-eu-west-1");
    const short = alarm("carts-alarm-system-errors-page-14.4x-5m-ops1-eu-west-1");
    expect(long.inputs).toMatchObject({
      threshold: 0.0144,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    });
    expect(at(short.inputs, "threshold")).toBe(0.0144);
    const queries = (a: PlannedResource) =>
      at(a.inputs, "metricQueries") as {
        id: string;
        expression?: string;
        metric?: Record<string, unknown>;
      }[];
    // Five operations' errors and successes: CloudWatch's ten metrics.
    expect(queries(long).filter((q) => q.metric !== undefined)).toHaveLength(10);
    expect(
      queries(long)
        .map((q) => [q.metric?.metricName, q.metric?.stat, q.metric?.period])
        .slice(4, 6),
    ).toEqual([
      ["SystemErrors", "Sum", 3_600],
      ["SuccessfulRequestLatency", "SampleCount", 3_600],
    ]);
    // The 1 request/s guard shared by the two halves.
    expect(queries(long).at(-1)?.expression).toBe("IF(events >= 1800, bad / events, 0)");
    expect(queries(short).at(-1)?.expression).toBe("IF(events >= 150, bad / events, 0)");
    // The other half of the operations has its own alarm; 6× over 6 h; the ticket's 1× over 3 d is
    // one period of 3 days (≤ 7 days in all).
    const other = alarm("carts-alarm-system-errors-page-14.4x-1h-ops2-eu-west-1");
    expect((queries(other)[0]!.metric!.dimensions as Record<string, string>).Operation).toBe("Query");
    expect(at(alarm("carts-alarm-system-errors-page-6x-6h-ops1-eu-west-1").inputs, "threshold")).toBe(0.006);
    expect(queries(alarm("carts-alarm-system-errors-ticket-1x-3d-ops2-eu-west-1"))[0]!.metric!.period).toBe(
      259_200,
    );
    // Only the composite notifies: the members have no actions.
    expect(at(long.inputs, "alarmActions")).toBeUndefined();
    const page = alarm("carts-alarm-system-errors-burn-page-eu-west-1");
    expect(page.type).toBe("aws:cloudwatch/compositeAlarm:CompositeAlarm");
    const name = (key: string) =>
      String(at(alarm(`carts-alarm-system-errors-page-${key}-eu-west-1`).inputs, "name"));
    expect(at(page.inputs, "alarmRule")).toBe(
      ["ops1", "ops2"]
        .flatMap((half) => [
          `(ALARM("${name(`14.4x-1h-${half}`)}") AND ALARM("${name(`14.4x-5m-${half}`)}"))`,
          `(ALARM("${name(`6x-6h-${half}`)}") AND ALARM("${name(`6x-30m-${half}`)}"))`,
        ])
        .join(" OR "),
    );
    expect(at(page.inputs, "alarmActions")).toEqual([{ $ref: "aws-alarms-eu-west-1", property: "arn" }]);
    expect(page.options?.dependsOn).toEqual(expect.arrayContaining([long.name, short.name]));
    expect(at(alarm("carts-alarm-throttled-requests-eu-west-1").inputs, "threshold")).toBe(0);
    expect(alarm("aws-alarm-dynamodb-user-errors-eu-west-1").component).toBe("");
  });

  it("DynamoDB SystemErrors without an availability SLO: any server error in 3 of 5 minutes", () => {
    const plain = plan(euSpec({ carts: { slo: { replicationLagMs: 1200 } } }));
    expect(named(plain, "carts-alarm-system-errors-eu-west-1").inputs).toMatchObject({
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    expect(plain.resources.some((r) => r.name === "carts-alarm-system-errors-burn-page-eu-west-1")).toBe(
      false,
    );
  });

  it("Aurora AuroraGlobalDBReplicationLag on each secondary, at replicationLagMs", () => {
    const lag = alarm("orders-alarm-global-replication-lag-eu-central-1");
    expect(lag.inputs).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "AuroraGlobalDBReplicationLag",
      threshold: 800,
      dimensions: {
        DBClusterIdentifier: { $ref: "orders-cluster-eu-central-1", property: "clusterIdentifier" },
      },
    });
    expect(compiled.resources.some((r) => r.name === "orders-alarm-global-replication-lag-eu-west-1")).toBe(
      false,
    );
    // Missing data pages (replication that stops reports no lag): so not before the secondary's
    // instances, which publish the metric, exist.
    expect(lag.options?.dependsOn?.length).toBeGreaterThan(0);
    expect(lag.options?.dependsOn?.every((name) => name.startsWith("orders-instance-"))).toBe(true);
    expect(lag.options?.dependsOn?.every((name) => name.endsWith("-eu-central-1"))).toBe(true);
  });

  it("S3 ReplicationLatency (seconds) at replicationLagMs / 1000", () => {
    expect(alarm("media-alarm-replication-latency-to-eu-central-1-eu-west-1").inputs).toMatchObject({
      namespace: "AWS/S3",
      metricName: "ReplicationLatency",
      threshold: 600,
      dimensions: { RuleId: "to-eu-central-1" },
      // S3 reports no latency while nothing replicates: an idle bucket must not page.
      treatMissingData: "notBreaching",
    });
  });

  it("MSK: under-replicated per broker, offline partitions, consumer lag from consumerLagMs × rate", () => {
    for (const broker of [1, 2, 3])
      expect(alarm(`events-alarm-under-replicated-broker-${broker}-eu-west-1`).inputs).toMatchObject({
        metricName: "UnderReplicatedPartitions",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        dimensions: { "Broker ID": String(broker) },
      });
    expect(alarm("events-alarm-offline-partitions-eu-west-1").inputs).toMatchObject({
      metricName: "OfflinePartitionsCount",
      threshold: 0,
    });
    // worker consumes in eu-central-1 only: no lag alarm for it in eu-west-1
    expect(compiled.resources.some((r) => r.name === "events-alarm-consumer-time-lag-worker-eu-west-1")).toBe(
      false,
    );
    expect(alarm("events-alarm-consumer-time-lag-worker-eu-central-1").inputs).toMatchObject({
      metricName: "EstimatedMaxTimeLag",
      threshold: 20,
      dimensions: { "Consumer Group": "worker", Topic: "events" },
    });
    // MSK publishes no lag for a group that keeps rebalancing: its absence alarms on its own,
    // after 15 minutes (the lag alarm reads missing data as fine).
    expect(alarm("events-alarm-consumer-time-lag-worker-eu-central-1").inputs).toMatchObject({
      treatMissingData: "notBreaching",
    });
    expect(alarm("events-alarm-consumer-time-lag-worker-absent-eu-central-1").inputs).toMatchObject({
      metricName: "EstimatedMaxTimeLag",
      dimensions: { "Consumer Group": "worker", Topic: "events" },
      comparisonOperator: "LessThanThreshold",
      threshold: 0,
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      treatMissingData: "breaching",
      // No data until the group first commits: held until then, or two days.
      warmUpConfiguration: { warmUpPeriodDurationInMinutes: 2880 },
      alarmActions: expect.any(Array),
    });
    // A consumer running in none of the stream's regions dials the nearest cluster (access.ts):
    // its group exists there only, and so do its alarms — eu-central-1 from eu-north-1 and
    // eu-west-1 from eu-west-2 (catalog round trips: 22.8 ms vs 40.5 ms, 13.7 ms vs 17.8 ms).
    const lagAlarms = (regions: string[]) => {
      const spec = euSpec();
      (spec.services as Record<string, Record<string, unknown>>).worker!.regions = regions;
      (spec.streams as Record<string, Record<string, unknown>>).events!.residency = undefined;
      return plan(spec)
        .resources.filter((r) => r.name.startsWith("events-alarm-consumer-time-lag-worker"))
        .map((r) => r.name)
        .sort();
    };
    expect(lagAlarms(["eu-north-1"])).toEqual([
      "events-alarm-consumer-time-lag-worker-absent-eu-central-1",
      "events-alarm-consumer-time-lag-worker-eu-central-1",
    ]);
    expect(lagAlarms(["eu-north-1", "eu-west-2"])).toEqual([
      "events-alarm-consumer-time-lag-worker-absent-eu-central-1",
      "events-alarm-consumer-time-lag-worker-absent-eu-west-1",
      "events-alarm-consumer-time-lag-worker-eu-central-1",
      "events-alarm-consumer-time-lag-worker-eu-west-1",
    ]);
    // Messages behind read as seconds only at the declared rate: no SumOffsetLag alarm (review).
    expect(compiled.resources.some((r) => r.name.includes("consumer-offset-lag"))).toBe(false);
  });

  it("uses a documented default consumer lag without consumerLagMs", () => {
    const spec = euSpec();
    const stream = (spec.streams as Record<string, Record<string, unknown>>).events!;
    delete stream.slo;
    delete stream.traffic;
    const p = plan(spec);
    expect(at(named(p, "events-alarm-consumer-time-lag-worker-eu-central-1").inputs, "threshold")).toBe(60);
  });

  it("notifies one SNS topic per region, or the configured one", () => {
    // Every alarm that notifies, each composite's members aside (they notify through it).
    const members = new Set(
      byType(compiled, "aws:cloudwatch/compositeAlarm:CompositeAlarm").flatMap(
        (c) => c.options?.dependsOn ?? [],
      ),
    );
    const notifying = [
      ...byType(compiled, "aws:cloudwatch/metricAlarm:MetricAlarm"),
      ...byType(compiled, "aws:cloudwatch/compositeAlarm:CompositeAlarm"),
    ].filter((a) => !members.has(a.name));
    expect(notifying.length).toBeGreaterThan(20);
    for (const a of notifying)
      expect(at(a.inputs, "alarmActions"), a.name).toEqual([
        { $ref: `aws-alarms-${a.region}`, property: "arn" },
      ]);
    for (const name of members)
      expect(at(named(compiled, name).inputs, "alarmActions"), name).toBeUndefined();
    const arn = "arn:aws:sns:eu-west-1:123456789012:pager";
    const p = plan(euSpec(), { alarmTopicArns: { "eu-west-1": arn } });
    expect(p.resources.some((r) => r.name === "aws-alarms-eu-west-1")).toBe(false);
    expect(at(named(p, "carts-alarm-system-errors-burn-page-eu-west-1").inputs, "alarmActions")).toEqual([
      arn,
    ]);
  });

  it("has one dashboard per region whose body is valid JSON naming the components", () => {
    const dashboards = byType(compiled, "aws:cloudwatch/dashboard:Dashboard");
    expect(dashboards.map((d) => d.region)).toEqual(["eu-central-1", "eu-north-1", "eu-west-1"]);
    const body = JSON.parse(String(at(named(compiled, "aws-dashboard-eu-west-1").inputs, "dashboardBody")));
    const titles = (body.widgets as { properties: { title: string } }[]).map((w) => w.properties.title);
    expect(titles).toContain("carts: DynamoDB replication latency (ms)");
    expect(titles).toContain("events: MSK partition health");
    expect(titles).toContain("media: S3 replication latency (s)");
  });
});
