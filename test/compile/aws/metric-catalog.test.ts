import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../../src/compile/plan.js";
import { REPO_ROOT } from "../../render/stacks.js";
import { at, byType, euSpec, plan } from "./helpers.js";

/**
 * The metrics the AWS compiler alarms and graphs, with the dimension sets AWS documents for them.
 * CloudWatch matches an alarm's dimensions exactly: a set the service never publishes leaves the
 * alarm without data (with `breaching` it pages forever, with `notBreaching` it never fires).
 */
const DOCUMENTED: Record<string, { dimensions: readonly string[][]; source: string }> = {
  // Milliseconds, in the secondary region; the AWS lab graphs it by DBClusterIdentifier there.
  "AWS/RDS AuroraGlobalDBReplicationLag": {
    dimensions: [["DBClusterIdentifier"]],
    source:
      "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html, https://github.com/aws-samples/amazon-aurora-labs-for-mysql/blob/master/docs/global/monitor/index.md",
  },
  "AWS/RDS CommitLatency": {
    dimensions: [["DBClusterIdentifier"]],
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html",
  },
  "AWS/DynamoDB ReplicationLatency": {
    dimensions: [["ReceivingRegion", "TableName"]],
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
  },
  "AWS/DynamoDB SystemErrors": {
    dimensions: [["Operation", "TableName"]],
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
  },
  // SampleCount: the number of successful requests (the burn-rate ratios' denominator).
  "AWS/DynamoDB SuccessfulRequestLatency": {
    dimensions: [["Operation", "TableName"]],
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
  },
  "AWS/DynamoDB ThrottledRequests": {
    dimensions: [["Operation", "TableName"]],
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
  },
  // Account-wide in a region: no dimension at all.
  "AWS/DynamoDB UserErrors": {
    dimensions: [[]],
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Recommended_PromQL_Alarms.html",
  },
  "AWS/S3 ReplicationLatency": {
    dimensions: [["DestinationBucket", "RuleId", "SourceBucket"]],
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html",
  },
  "AWS/S3 OperationsFailedReplication": {
    dimensions: [["DestinationBucket", "RuleId", "SourceBucket"]],
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Recommended_PromQL_Alarms.html",
  },
  // DEFAULT monitoring level (free): no enhanced level needed for any of these.
  "AWS/Kafka UnderReplicatedPartitions": {
    dimensions: [["Broker ID", "Cluster Name"]],
    source: "https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html",
  },
  "AWS/Kafka OfflinePartitionsCount": {
    dimensions: [["Cluster Name"]],
    source: "https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html",
  },
  "AWS/Kafka EstimatedMaxTimeLag": {
    dimensions: [["Cluster Name", "Consumer Group", "Topic"]],
    source:
      "https://github.com/aws/agent-toolkit-for-aws/blob/main/skills/specialized-skills/analytics-skills/managing-amazon-msk/references/monitor-and-alarm.md",
  },
  // MSK Replicator: AWS/Kafka, in the target cluster's region.
  "AWS/Kafka ReplicationLatency": {
    dimensions: [["ReplicatorName"], ["ReplicatorName", "Topic"]],
    source: "https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html",
  },
  "AWS/Kafka MessageLag": {
    dimensions: [["ReplicatorName"], ["ReplicatorName", "Topic"]],
    source: "https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html",
  },
  "AWS/Kafka ReplicatorFailure": {
    dimensions: [["ReplicatorName"]],
    source: "https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-monitor.html",
  },
};

type Use = { where: string; namespace: string; metric: string; dimensions: string[] };

/** Every (namespace, metric, dimension names) an alarm watches, metric-math terms included. */
function alarmUses(alarm: PlannedResource): Use[] {
  const queries = (at(alarm.inputs, "metricQueries") as
    | { metric?: Record<string, unknown> }[]
    | undefined) ?? [{ metric: alarm.inputs }];
  return queries
    .flatMap((q) => (q.metric === undefined ? [] : [q.metric]))
    .map((m) => ({
      where: alarm.name,
      namespace: String(m.namespace),
      metric: String(m.metricName),
      dimensions: Object.keys((m.dimensions as object | undefined) ?? {}).sort(),
    }));
}

/** Every metric a dashboard graphs: `[namespace, metric, name, value, …]` rows and SEARCH schemas. */
function widgetUses(dashboard: PlannedResource): Use[] {
  const body = JSON.parse(String(dashboard.inputs.dashboardBody)) as {
    widgets: { properties: { title: string; metrics: unknown[][] } }[];
  };
  return body.widgets.flatMap(({ properties }) =>
    properties.metrics.map((row): Use => {
      const search = /^SEARCH\('\{([^}]*)\} MetricName="([^"]+)"/.exec(
        String((row[0] as { expression?: string }).expression ?? ""),
      );
      if (search !== null) {
        const [namespace = "", ...names] = search[1]!.split(",");
        return { where: properties.title, namespace, metric: search[2]!, dimensions: names.sort() };
      }
      const names = row.slice(2).filter((_, i) => i % 2 === 0);
      return {
        where: properties.title,
        namespace: String(row[0]),
        metric: String(row[1]),
        dimensions: names.map(String).sort(),
      };
    }),
  );
}

// Every service, a multi-region stream and MSK Replicators (eu-north-1 holds only a mirror).
const spec = euSpec();
Object.assign((spec.streams as Record<string, object>).events!, { mirrorRegions: ["eu-north-1"] });
const compiled = plan(spec);
const alarms = byType(compiled, "aws:cloudwatch/metricAlarm:MetricAlarm");
const uses = [
  ...alarms.flatMap(alarmUses),
  ...byType(compiled, "aws:cloudwatch/dashboard:Dashboard").flatMap(widgetUses),
];

describe("every alarm and graph uses a metric with a dimension set AWS publishes", () => {
  it("covers every alarmed metric of the catalogue", () => {
    const alarmed = new Set(alarms.flatMap(alarmUses).map((u) => `${u.namespace} ${u.metric}`));
    expect([...alarmed].sort()).toEqual(
      Object.keys(DOCUMENTED)
        .filter((key) => key !== "AWS/RDS CommitLatency")
        .sort(),
    );
  });

  it.each(uses.map((u) => [`${u.where}: ${u.namespace} ${u.metric}`, u] as const))("%s", (_, use) => {
    const documented = DOCUMENTED[`${use.namespace} ${use.metric}`];
    expect(documented, `${use.namespace} ${use.metric} is not in the catalogue`).toBeDefined();
    expect(documented!.dimensions).toContainEqual(use.dimensions);
  });
});

describe("alarms live in the region where the metric is published", () => {
  const regionOf = (key: string) => alarms.filter((a) => a.name.includes(key)).map((a) => a.region);

  it("Aurora lag on the secondary only (the metric exists only in secondary regions)", () => {
    expect(regionOf("orders-alarm-global-replication-lag")).toEqual(["eu-central-1"]);
  });

  it("DynamoDB ReplicationLatency in the source region, never for its own region", () => {
    for (const a of alarms.filter(
      (a) => at(a.inputs, "metricName") === "ReplicationLatency" && a.component === "carts",
    ))
      expect(at(a.inputs, "dimensions", "ReceivingRegion")).not.toBe(a.region);
  });

  it("S3 replication metrics in the source bucket's region (the leader)", () => {
    for (const a of alarms.filter((a) => at(a.inputs, "namespace") === "AWS/S3"))
      expect(a.region).toBe("eu-west-1");
  });

  it("MSK Replicator metrics in the target cluster's region", () => {
    const replicator = alarms.filter((a) => at(a.inputs, "dimensions", "ReplicatorName") !== undefined);
    expect(replicator.length).toBeGreaterThan(0);
    for (const a of replicator)
      expect(String(at(a.inputs, "dimensions", "ReplicatorName"))).toMatch(new RegExp(`to-${a.region}$`));
  });
});

describe("docs/aws.md", () => {
  const table = readFileSync(join(REPO_ROOT, "docs/aws.md"), "utf8").split("| alarm ")[1]!.split("\n\n")[0]!;

  it("lists every alarmed metric in the alarms table", () => {
    for (const use of alarms.flatMap(alarmUses)) expect(table, use.metric).toContain(`\`${use.metric}\``);
  });
});
