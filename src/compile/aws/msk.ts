import { inputProblem } from "../../diagnostics/diagnostic.js";
import { brokerCount, mirrorRole, mskClusterZones, streamClusterRegions } from "../../model/msk-clusters.js";
import type { ResolvedStream } from "../../model/types.js";
import { callersOf } from "./callers.js";
import type { AwsContext } from "./context.js";
import { logicalName } from "./names.js";
import { dialledBy } from "./reach.js";
import { out, outNumber, STATEFUL } from "./typed.js";

/** @default MSK Kafka version ("x": MSK applies patch releases) */
export const MSK_KAFKA_VERSION = "3.8.x";
export const MSK_INSTANCE_TYPE = "kafka.m7g.large";
export const MSK_STORAGE_GI = 1000;
/** TLS listener with IAM (SASL) client authentication. */
export const MSK_IAM_TLS_PORT = 9098;
/** Whom a mirrored cluster's security group also admits (EC2 rule descriptions allow no apostrophe). */
export const REPLICATOR_MEMBERS = "MSK Replicator network interfaces";
/** Consumer-lag SLO assumed when `slo.consumerLagMs` is absent. */
export const DEFAULT_CONSUMER_LAG_MS = 60_000;
/** Minutes without consumer-lag data before a consumer's no-data alarm (one-minute periods). */
const ABSENT_LAG_MINUTES = 15;
/** CloudWatch's longest alarm warm-up (PutMetricAlarm, WarmUpConfiguration: 1 to 2,880 minutes). */
const MAX_WARM_UP_MINUTES = 2880;

/**
 * An MSK cluster in every stream region and mirror region, over (up to) three zones, with a
 * configuration that carries the spec's durability settings. Brokers: the smallest multiple of
 * the zone count that is at least the replication factor (MSK requires a multiple of the zone
 * count), and at least what MSK Replicator needs when the cluster is mirrored (src/model/msk-clusters.ts).
 */
export function compileMsk(ctx: AwsContext, stream: ResolvedStream): void {
  const deploy = stream.deploy.target === "aws" ? stream.deploy : undefined;
  const kafkaVersion = deploy?.engineVersion ?? MSK_KAFKA_VERSION;
  const instanceType = deploy?.instanceClass ?? MSK_INSTANCE_TYPE;
  const volumeSize = deploy?.storageGi ?? MSK_STORAGE_GI;
  const callers = callersOf(ctx.model, stream.name);
  const clusterName = ctx.physical([stream.name], 64);

  for (const region of streamClusterRegions(stream)) {
    const subnets = ctx.subnets(region, mskClusterZones(ctx.model.catalog, stream, region), true);
    const zoneCount = subnets.length;
    if (zoneCount < 2) {
      ctx.problems.push(
        inputProblem(
          "aws/msk-zones",
          `${stream.path}.${stream.regions.includes(region) ? "regions" : "mirrorRegions"}`,
          `MSK needs two or three zones in ${region}; ${zoneCount} available`,
          `use a region with three zones, or configure topoplan:network["${region}"].subnetIds with one subnet per zone`,
        ),
      );
      continue;
    }
    const role = mirrorRole(stream, region);
    const mirrored = role.source || role.target;
    const brokers = brokerCount(zoneCount, stream.replicas, mirrored);
    const configuration = ctx.emit({
      type: "aws:msk/configuration:Configuration",
      name: logicalName(stream.name, "msk-config", region),
      region,
      component: stream.name,
      args: {
        // `name` and `kafkaVersions` force a replacement, which Pulumi creates before deleting the
        // old one: a fixed name would collide on every Kafka upgrade. The version in the name keeps
        // it unique and tells an operator which configuration is which (auto-naming would not).
        name: ctx.physical([stream.name, region, `kafka-${kafkaVersion.replace(/[^A-Za-z0-9]+/g, "-")}`], 64),
        description: `${stream.path}: durability settings from the topology`,
        kafkaVersions: [kafkaVersion],
        serverProperties: serverProperties(stream),
      },
    });
    // A Replicator's network interfaces sit in the cluster's own group (msk-replicator.ts).
    const members = mirrored ? REPLICATOR_MEMBERS : undefined;
    const sg = ctx.securityGroup(stream.name, region, MSK_IAM_TLS_PORT, callers, members);
    const cluster = ctx.emit({
      type: "aws:msk/cluster:Cluster",
      name: logicalName(stream.name, "msk-cluster", region),
      region,
      component: stream.name,
      args: {
        clusterName,
        kafkaVersion,
        numberOfBrokerNodes: brokers,
        brokerNodeGroupInfo: {
          instanceType,
          clientSubnets: subnets,
          securityGroups: [out(sg, "id")],
          storageInfo: { ebsStorageInfo: { volumeSize } },
          // A Replicator in another region reads a source over multi-VPC private connectivity
          // with IAM (MSK developer guide, "Network requirements" of MSK Replicator).
          ...(role.source
            ? { connectivityInfo: { vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } } } }
            : {}),
        },
        configurationInfo: {
          arn: out(configuration, "arn"),
          revision: outNumber(configuration, "latestRevision"),
        },
        encryptionInfo: {
          encryptionAtRestKmsKeyArn: out(ctx.kmsKey(stream.name, region), "arn"),
          encryptionInTransit: { clientBroker: "TLS", inCluster: true },
        },
        clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
        // Every alarm and widget reads DEFAULT-level metrics (consumer lag included), which are
        // free; the enhanced levels are billed as CloudWatch custom metrics per broker, topic and
        // partition (MSK developer guide, "Amazon MSK metrics": "DEFAULT-level metrics are free").
        enhancedMonitoring: "DEFAULT",
        // Broker logs (MSK developer guide, "Broker logs"): what an incident review needs.
        loggingInfo: {
          brokerLogs: {
            cloudwatchLogs: {
              enabled: true,
              logGroup: out(ctx.logGroup(stream.name, region, "msk-broker"), "name"),
            },
          },
        },
        tags: ctx.tags(stream.name),
      },
      options: STATEFUL,
    });
    mskAlarms(ctx, stream, region, cluster, clusterName, brokers);
  }
}

/** Kafka broker properties, one per line, sorted: durable defaults, no silent topic creation. */
export function serverProperties(stream: ResolvedStream): string {
  const properties: Record<string, string | number | boolean> = {
    "auto.create.topics.enable": false,
    "default.replication.factor": stream.replicas,
    "min.insync.replicas": stream.minInSync,
    "num.partitions": stream.partitions,
    "offsets.topic.replication.factor": stream.replicas,
    "transaction.state.log.min.isr": stream.minInSync,
    "transaction.state.log.replication.factor": stream.replicas,
    "unclean.leader.election.enable": stream.uncleanLeaderElection,
    "log.retention.ms": Math.round(stream.retentionHours * 3_600_000),
  };
  return `${Object.keys(properties)
    .sort()
    .map((key) => `${key}=${properties[key]}`)
    .join("\n")}\n`;
}

/**
 * Consumers alarmed in `region`: those whose pods dial its cluster (reach.ts `dialledBy`); a
 * group's lag is published only by the cluster it commits to. Consumer groups are named after the
 * consuming service (a convention documented in docs/aws.md). A cluster that holds only a mirror
 * is read by the consumers running in its region (its topic holds every source's records; time
 * lag only); its other groups are offsets the Replicator copies for failing over (none into a
 * region of two or more sources: msk-replicator.ts; the mirror's own lag is ReplicationLatency).
 */
function consumersIn(ctx: AwsContext, stream: ResolvedStream, region: string): string[] {
  return stream.consumers
    .filter((consumer) => dialledBy(ctx.model, stream, consumer).includes(region))
    .sort();
}

function mskAlarms(
  ctx: AwsContext,
  stream: ResolvedStream,
  region: string,
  cluster: string,
  clusterName: string,
  brokers: number,
): void {
  const name = out(cluster, "clusterName");
  // Every metric below is at the free DEFAULT monitoring level
  // (https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html).
  // UnderReplicatedPartitions is a per-broker metric (MSK broker ids are 1…n).
  for (let broker = 1; broker <= brokers; broker++) {
    ctx.alarm({
      component: stream.name,
      region,
      key: `under-replicated-broker-${broker}`,
      description: `${stream.path}: partitions under-replicated on broker ${broker} in ${region} (fewer than ${stream.replicas} in-sync copies)`,
      namespace: "AWS/Kafka",
      metricName: "UnderReplicatedPartitions",
      dimensions: [{ "Cluster Name": name, "Broker ID": String(broker) }],
      statistic: "Maximum",
      threshold: 0,
    });
  }
  ctx.alarm({
    component: stream.name,
    region,
    key: "offline-partitions",
    description: `${stream.path}: partitions without a leader in ${region}`,
    namespace: "AWS/Kafka",
    metricName: "OfflinePartitionsCount",
    dimensions: [{ "Cluster Name": name }],
    statistic: "Maximum",
    threshold: 0,
    datapointsToAlarm: 1,
    evaluationPeriods: 1,
  });
  const lagMs = stream.slo.consumerLagMs ?? DEFAULT_CONSUMER_LAG_MS;
  for (const consumer of consumersIn(ctx, stream, region)) {
    // Consumer lag in the SLO's own unit, seconds (EstimatedMaxTimeLag), by cluster, group and topic
    // (https://github.com/aws/agent-toolkit-for-aws/blob/main/skills/specialized-skills/analytics-skills/managing-amazon-msk/references/monitor-and-alarm.md).
    // No SumOffsetLag alarm: messages behind equal seconds behind only at the declared rate, so a
    // threshold sized from it fires falsely in a burst (3× the rate: 4 s behind reads as 12 s) and
    // late when traffic is low; the time lag already answers the SLO.
    const dimensions = { "Cluster Name": name, "Consumer Group": consumer, Topic: stream.name };
    ctx.alarm({
      component: stream.name,
      region,
      key: `consumer-time-lag-${consumer}`,
      description: `${stream.path}: consumer ${consumer} in ${region} more than ${lagMs} ms behind (consumerLagMs)`,
      namespace: "AWS/Kafka",
      metricName: "EstimatedMaxTimeLag",
      dimensions: [dimensions],
      statistic: "Maximum",
      threshold: lagMs / 1000,
    });
    // MSK publishes consumer lag only for a group that is STABLE or EMPTY: a group rebalancing
    // without end (consumers exceeding max.poll.interval.ms, members joining and failing) has
    // none, and the lag alarm above reads that as fine (https://docs.aws.amazon.com/msk/latest/developerguide/consumer-lag.html).
    // So a second alarm on the absence itself (on the clusters the consumer dials, as every alarm
    // here): the time lag is never below 0, and missing data breaches; at least a quarter of an
    // hour of it, past ordinary rebalances (seconds to minutes: estimate).
    // Until the group first commits there is no data either: the warm-up holds the alarm until
    // data comes, for up to two days (CloudWatch's longest; "Alarm warm-up periods").
    ctx.alarm({
      component: stream.name,
      region,
      key: `consumer-time-lag-${consumer}-absent`,
      description: `${stream.path}: no consumer-lag data for ${consumer} in ${region} for ${ABSENT_LAG_MINUTES} minutes or more: its group keeps rebalancing (MSK publishes lag only for STABLE or EMPTY groups), has committed no offset, or was deleted; its lag alarm cannot fire`,
      namespace: "AWS/Kafka",
      metricName: "EstimatedMaxTimeLag",
      dimensions: [dimensions],
      statistic: "Maximum",
      comparison: "LessThanThreshold",
      threshold: 0,
      evaluationPeriods: ABSENT_LAG_MINUTES,
      datapointsToAlarm: ABSENT_LAG_MINUTES,
      treatMissingData: "breaching",
      warmUpMinutes: MAX_WARM_UP_MINUTES,
    });
  }
  ctx.widget(region, {
    component: stream.name,
    title: "MSK partition health",
    stat: "Maximum",
    metrics: [
      ["AWS/Kafka", "OfflinePartitionsCount", "Cluster Name", clusterName],
      ...Array.from({ length: brokers }, (_, i) => [
        "AWS/Kafka",
        "UnderReplicatedPartitions",
        "Cluster Name",
        clusterName,
        "Broker ID",
        String(i + 1),
      ]),
    ],
  });
  const consumers = consumersIn(ctx, stream, region);
  if (consumers.length > 0) {
    ctx.widget(region, {
      component: stream.name,
      title: "MSK consumer lag (s)",
      stat: "Maximum",
      metrics: consumers.map((consumer) => [
        "AWS/Kafka",
        "EstimatedMaxTimeLag",
        "Cluster Name",
        clusterName,
        "Consumer Group",
        consumer,
        "Topic",
        stream.name,
      ]),
      threshold: { label: "consumerLagMs SLO", value: lagMs / 1000 },
    });
  }
}
