import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { at, byType, euSpec, named, plan } from "./helpers.js";

const compiled = plan(euSpec());
const alarm = (name: string): PlannedResource => named(compiled, name);

describe("CloudWatch alarms carry the spec's SLO numbers", () => {
  it("DynamoDB ReplicationLatency: every source → receiving pair, at replicationLagMs", () => {
    const latency = byType(compiled, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) => at(a.inputs, "metricName") === "ReplicationLatency" && a.component === "carts",
    );
    expect(latency).toHaveLength(6); // 3 regions × 2 receiving regions
    for (const a of latency) expect(a.inputs).toMatchObject({ threshold: 1200, statistic: "Maximum" });
    expect(alarm("carts-alarm-replication-latency-to-eu-north-1-eu-central-1").inputs).toMatchObject({
      namespace: "AWS/DynamoDB",
      dimensions: { TableName: { $ref: "carts-table", property: "name" }, ReceivingRegion: "eu-north-1" },
    });
  });

  it("DynamoDB ReplicationLatency only from regions that take writes (`leaders`): a read-only replica emits none", () => {
    const limited = plan(euSpec({ carts: { leaders: ["eu-west-1"] } }));
    const sources = byType(limited, "aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => at(a.inputs, "metricName") === "ReplicationLatency" && a.component === "carts")
      .map((a) => [a.region, at(a.inputs, "dimensions", "ReceivingRegion")]);
    expect(sources).toEqual([
      ["eu-west-1", "eu-central-1"],
      ["eu-west-1", "eu-north-1"],
    ]);
  });

  it("DynamoDB SystemErrors at the availability error budget; throttles and UserErrors too", () => {
    // (1 − 0.999) × (3000 + 600) req/s × 60 s / 3 regions = 72 per minute
    const system = alarm("carts-alarm-system-errors-eu-west-1");
    expect(system.inputs).toMatchObject({
      threshold: 72,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    expect(at(system.inputs, "metricQueries", 10)).toMatchObject({ id: "total", returnData: true });
    expect(at(alarm("carts-alarm-throttled-requests-eu-west-1").inputs, "threshold")).toBe(0);
    expect(alarm("aws-alarm-dynamodb-user-errors-eu-west-1").component).toBe("");
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
    // 20 s × 1000 msg/s over 2 regions = 10,000 messages
    expect(at(alarm("events-alarm-consumer-offset-lag-worker-eu-central-1").inputs, "threshold")).toBe(
      10_000,
    );
  });

  it("uses a documented default consumer lag without consumerLagMs, and no offset alarm without traffic", () => {
    const spec = euSpec();
    const stream = (spec.streams as Record<string, Record<string, unknown>>).events!;
    delete stream.slo;
    delete stream.traffic;
    const p = plan(spec);
    expect(at(named(p, "events-alarm-consumer-time-lag-worker-eu-central-1").inputs, "threshold")).toBe(60);
    expect(p.resources.some((r) => r.name.includes("consumer-offset-lag"))).toBe(false);
  });

  it("notifies one SNS topic per region, or the configured one", () => {
    for (const a of byType(compiled, "aws:cloudwatch/metricAlarm:MetricAlarm"))
      expect(at(a.inputs, "alarmActions")).toEqual([{ $ref: `aws-alarms-${a.region}`, property: "arn" }]);
    const arn = "arn:aws:sns:eu-west-1:123456789012:pager";
    const p = plan(euSpec(), { alarmTopicArns: { "eu-west-1": arn } });
    expect(p.resources.some((r) => r.name === "aws-alarms-eu-west-1")).toBe(false);
    expect(at(named(p, "carts-alarm-system-errors-eu-west-1").inputs, "alarmActions")).toEqual([arn]);
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
