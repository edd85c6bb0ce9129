import { PIPELINES } from "../../catalog/data/replication.js";
import { inputProblem } from "../../diagnostics/diagnostic.js";
import { type MirrorPair, mirrorPairs, mskClusterZones, sourcesOf } from "../../model/msk-clusters.js";
import type { ResolvedStream } from "../../model/types.js";
import type { AwsContext } from "./context.js";
import { MSK_INSTANCE_TYPE, MSK_KAFKA_VERSION } from "./msk.js";
import { kafkaVersionBelow, REPLICATOR_MIN_KAFKA } from "./msk-mirror.js";
import { IAM_ROLE_NAME_PREFIX_MAX, logicalName } from "./names.js";
import { dialledBy } from "./reach.js";
import { awsAccountId, concat, jsonDocument, out } from "./typed.js";

/**
 * What the service execution role may do on both clusters: the actions of the AWS managed policy
 * AWSMSKReplicatorExecutionRole (v2: cluster, topic and group statements) plus
 * DescribeClusterDynamicConfiguration (MSK developer guide, "IAM permissions reference" of MSK
 * Replicator), scoped to this stream's two clusters instead of every cluster in the account.
 */
const CLUSTER_ACTIONS = [
  "kafka-cluster:Connect",
  "kafka-cluster:DescribeCluster",
  "kafka-cluster:AlterCluster",
  "kafka-cluster:DescribeClusterDynamicConfiguration",
  "kafka-cluster:DescribeTopic",
  "kafka-cluster:CreateTopic",
  "kafka-cluster:AlterTopic",
  "kafka-cluster:WriteData",
  "kafka-cluster:WriteDataIdempotently",
  "kafka-cluster:ReadData",
  "kafka-cluster:AlterGroup",
  "kafka-cluster:DescribeGroup",
  "kafka-cluster:DescribeTopicDynamicConfiguration",
  "kafka-cluster:AlterTopicDynamicConfiguration",
];
const TOPIC_ACTIONS = [
  "kafka-cluster:DescribeTopic",
  "kafka-cluster:CreateTopic",
  "kafka-cluster:AlterTopic",
  "kafka-cluster:WriteData",
  "kafka-cluster:ReadData",
  "kafka-cluster:DescribeTopicDynamicConfiguration",
  "kafka-cluster:AlterTopicDynamicConfiguration",
  "kafka-cluster:AlterCluster",
];
const GROUP_ACTIONS = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"];

/**
 * What a cross-region Replicator's service needs on its source cluster's resource policy (MSK
 * developer guide, "Network requirements" of MSK Replicator).
 */
const SOURCE_POLICY_ACTIONS = [
  "kafka:CreateVpcConnection",
  "kafka:GetBootstrapBrokers",
  "kafka:DescribeClusterV2",
];

/** CreateReplicator: `replicatorName` at most 128 characters of letters, digits and `-`. */
const REPLICATOR_NAME_MAX = 128;

const clusterOf = (stream: ResolvedStream, region: string) => logicalName(stream.name, "msk-cluster", region);
const sgOf = (stream: ResolvedStream, region: string) => logicalName(stream.name, "sg", region);

/**
 * `mirrorRegions` made real: for each (stream region → mirror region) pair an MSK Replicator in
 * the target region (MSK runs a Replicator in its target's region), its own service execution
 * role, and on each source cluster the resource policy a cross-region Replicator needs. The
 * clusters themselves, with multi-VPC IAM connectivity on sources and the Replicator's network
 * interfaces admitted by their security groups, come from compileMsk.
 */
export function compileMskReplicators(ctx: AwsContext, stream: ResolvedStream): void {
  const pairs = mirrorPairs(stream);
  if (pairs.length === 0) return;
  if (!replicatorSupported(ctx, stream)) return;
  for (const source of [...new Set(pairs.map((pair) => pair.source))]) sourcePolicy(ctx, stream, source);
  for (const pair of pairs) replicator(ctx, stream, pair);
}

/** Kafka version and broker type MSK Replicator accepts; problems reported with the spec path. */
function replicatorSupported(ctx: AwsContext, stream: ResolvedStream): boolean {
  const deploy = stream.deploy.target === "aws" ? stream.deploy : undefined;
  const version = deploy?.engineVersion ?? MSK_KAFKA_VERSION;
  const instanceType = deploy?.instanceClass ?? MSK_INSTANCE_TYPE;
  const before = ctx.problems.length;
  if (kafkaVersionBelow(version, REPLICATOR_MIN_KAFKA) !== false)
    ctx.problems.push(
      inputProblem(
        "aws/msk-replicator-version",
        `${stream.path}.deploy.engineVersion`,
        `MSK Replicator with identical topic names needs Kafka ${REPLICATOR_MIN_KAFKA} or later on both clusters; ${stream.path} runs "${version}"`,
        `use deploy.engineVersion "${MSK_KAFKA_VERSION}", or remove mirrorRegions`,
      ),
    );
  // "MSK Replicator supports clusters using instance types of m5.large or larger. t3.small
  // clusters aren't supported" (MSK developer guide, "Supported cluster types and versions").
  if (instanceType.startsWith("kafka.t3."))
    ctx.problems.push(
      inputProblem(
        "aws/msk-replicator-instance",
        `${stream.path}.deploy.instanceClass`,
        `MSK Replicator does not support ${instanceType} brokers, which ${stream.path} mirrors to ${stream.mirrorRegions.join(", ")}`,
        `use deploy.instanceClass "${MSK_INSTANCE_TYPE}" or larger, or remove mirrorRegions`,
      ),
    );
  return ctx.problems.length === before;
}

/** The source cluster lets the MSK service open its multi-VPC connection for a Replicator. */
function sourcePolicy(ctx: AwsContext, stream: ResolvedStream, region: string): void {
  const cluster = clusterOf(stream, region);
  ctx.emit({
    type: "aws:msk/clusterPolicy:ClusterPolicy",
    name: logicalName(stream.name, "msk-cluster-policy", region),
    region,
    component: stream.name,
    args: {
      clusterArn: out(cluster, "arn"),
      policy: jsonDocument({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "MskReplicatorConnects",
            Effect: "Allow",
            Principal: { Service: "kafka.amazonaws.com" },
            Action: SOURCE_POLICY_ACTIONS,
            Resource: out(cluster, "arn"),
          },
        ],
      }),
    },
  });
}

function replicator(ctx: AwsContext, stream: ResolvedStream, pair: MirrorPair): void {
  const { source, target } = pair;
  const kind = `msk-replicator-${source}-to`;
  const name = ctx.physical([stream.name, source, "to", target], REPLICATOR_NAME_MAX);
  const role = executionRole(ctx, stream, pair, kind);
  const clusterSide = (region: string) => ({
    amazonMskCluster: { mskClusterArn: out(clusterOf(stream, region), "arn") },
    // The cluster's own subnets and group: the group admits its members on 9098 (compileMsk).
    vpcConfig: {
      subnetIds: ctx.subnets(region, mskClusterZones(ctx.model.catalog, stream, region), true),
      securityGroupsIds: [out(sgOf(stream, region), "id")],
    },
  });
  ctx.emit({
    type: "aws:msk/replicator:Replicator",
    name: logicalName(stream.name, kind, target),
    region: target,
    component: stream.name,
    args: {
      replicatorName: name,
      description: `${stream.path}: records of ${source} mirrored to ${target} (mirrorRegions)`,
      serviceExecutionRoleArn: out(role, "arn"),
      kafkaClusters: [clusterSide(source), clusterSide(target)],
      replicationInfoList: {
        sourceKafkaClusterArn: out(clusterOf(stream, source), "arn"),
        targetKafkaClusterArn: out(clusterOf(stream, target), "arn"),
        // The mirror's brokers have the source's disk (storageGi): uncompressed copies of
        // compressed producer batches could outgrow it. LZ4: Kafka's cheapest codec (estimate).
        targetCompressionType: "LZ4",
        topicReplications: [
          {
            // The cluster holds only this stream's topic, named after the stream (docs/aws.md);
            // component names have no regex metacharacters.
            topicsToReplicates: [stream.name],
            // Consumers failing over find the same topic name (needs Kafka ≥ 2.8.1).
            topicNameConfiguration: { type: "IDENTICAL" },
            // The whole retained history, as the analysis's copy of every record assumes.
            startingPosition: { type: "EARLIEST" },
            // The topic is created after deployment (auto.create.topics.enable=false); its
            // partitions and retention follow the source.
            detectAndCopyNewTopics: true,
            copyTopicConfigurations: true,
            // IAM access control, not Kafka ACLs.
            copyAccessControlListsForTopics: false,
          },
        ],
        consumerGroupReplications: [consumerGroups(ctx, stream, { source, target })],
      },
      logDelivery: {
        replicatorLogDelivery: {
          cloudwatchLogs: {
            enabled: true,
            logGroup: out(ctx.logGroup(stream.name, target, `msk-replicator-${source}`), "name"),
          },
        },
      },
      tags: ctx.tags(stream.name),
    },
    // CreateReplicator opens the multi-VPC connection the source's policy allows, as the role.
    // Its name is fixed and the sync mode forces a new Replicator: the old one goes first.
    options: {
      deleteBeforeReplace: true,
      dependsOn: [
        logicalName(stream.name, "msk-cluster-policy", source),
        logicalName(stream.name, `${kind}-policy`, target),
      ],
    },
  });
  replicatorAlarms(ctx, stream, pair, name);
}

/**
 * Consumer groups are named after the consuming services (docs/aws.md); their committed offsets
 * are translated into the mirror so a consumer failing over resumes where it was. Groups appear
 * when consumers first commit, after the Replicator exists. A stream without consumers copies no
 * group: everything included is excluded again (an empty include list is not documented).
 *
 * Not into a mirror-only region of two or more sources: their records share the one topic there
 * (IDENTICAL names) and each source's Replicator would write its own translation into the same
 * group and partitions, one source's position over the other's, so a consumer failing over would
 * skip or re-read the other source's records (AWS recommends distinct group IDs where two
 * Replicators meet, MSK developer guide, "active-active"). It copies no group there: consumers
 * failing over start from their `auto.offset.reset` (docs/aws.md).
 *
 * Nor the group of a consumer whose pods read the target's cluster (reach.ts `dialledBy`: those
 * running there, and those nearest to a stream region's from a region without a cluster): that
 * group reads the target's topic, which holds the source's records too (IDENTICAL names), and
 * MSK writes the source's translation into it whenever it has no active member (a restart, a
 * scale to zero), moving it to where the source's consumers are (AWS: "distinct consumer group
 * IDs so that consumer group offsets are not overwritten", the same guide).
 *
 * The sync mode: MSK's default, LEGACY, translates offsets only while producers write to the
 * source and none to the target (MSK developer guide, "Consumer group offset synchronization"), so
 * into a stream region, whose own producers write there, it translates none. ENHANCED syncs
 * wherever producers write, and needs the Replicator the other way, target to source, and
 * IDENTICAL topic names (`consumerGroupOffsetSyncMode`, Pulumi AWS provider / CloudFormation
 * reference): taken by both Replicators wherever two regions mirror each other, whichever groups
 * each copies — the mode forces a new Replicator when it changes, so it follows the mirroring,
 * not where consumers run. Into a stream region not mirrored back, LEGACY it stays (docs/aws.md
 * says what that leaves).
 */
function consumerGroups(ctx: AwsContext, stream: ResolvedStream, { source, target }: MirrorPair) {
  const merged = !stream.regions.includes(target) && sourcesOf(stream, target).length > 1;
  const live = (consumer: string) => dialledBy(ctx.model, stream, consumer).includes(target);
  const groups = merged ? [] : stream.consumers.filter((consumer) => !live(consumer)).sort();
  const mirroredBack = mirrorPairs(stream).some((pair) => pair.source === target && pair.target === source);
  return {
    consumerGroupsToReplicates: groups.length > 0 ? groups : [".*"],
    ...(groups.length > 0 ? {} : { consumerGroupsToExcludes: [".*"] }),
    synchroniseConsumerGroupOffsets: groups.length > 0,
    detectAndCopyNewConsumerGroups: groups.length > 0,
    ...(mirroredBack ? { consumerGroupOffsetSyncMode: "ENHANCED" } : {}),
  };
}

/**
 * One role per Replicator: Replicators sharing a role share its Kafka quotas (MSK developer
 * guide, "Service execution role"). Trusted by kafka.amazonaws.com for this account only
 * (confused-deputy prevention, as the guide's trust policy does).
 */
function executionRole(ctx: AwsContext, stream: ResolvedStream, pair: MirrorPair, kind: string): string {
  const role = ctx.emit({
    type: "aws:iam/role:Role",
    name: logicalName(stream.name, `${kind}-role`, pair.target),
    region: pair.target,
    component: stream.name,
    args: {
      // IAM role names are at most 64 characters, and auto-naming adds 8 to the logical name
      // (58 here for a 10-character stream from eu-west-1 to eu-central-1): a prefix of at most
      // 38, to which the provider adds a unique suffix.
      namePrefix: `${ctx.physical([stream.name, "replicator", pair.target], IAM_ROLE_NAME_PREFIX_MAX - 1)}-`,
      description: `MSK Replicator of ${stream.path}: ${pair.source} to ${pair.target}`,
      assumeRolePolicy: jsonDocument({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "kafka.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": awsAccountId() } },
          },
        ],
      }),
      tags: ctx.tags(stream.name),
    },
  });
  const regions = [pair.source, pair.target];
  const under = (resource: string) =>
    regions.map((r) =>
      concat(
        `arn:aws:kafka:${r}:`,
        awsAccountId(),
        `:${resource}/`,
        out(clusterOf(stream, r), "clusterName"),
        "/*",
      ),
    );
  ctx.emit({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: logicalName(stream.name, `${kind}-policy`, pair.target),
    region: pair.target,
    component: stream.name,
    args: {
      role: out(role, "id"),
      policy: jsonDocument({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ClusterPermissions",
            Effect: "Allow",
            Action: CLUSTER_ACTIONS,
            Resource: regions.map((r) => out(clusterOf(stream, r), "arn")),
          },
          // Each cluster serves only this stream: its topics are the stream's and the Replicator's own.
          { Sid: "TopicPermissions", Effect: "Allow", Action: TOPIC_ACTIONS, Resource: under("topic") },
          { Sid: "GroupPermissions", Effect: "Allow", Action: GROUP_ACTIONS, Resource: under("group") },
        ],
      }),
    },
  });
  return role;
}

/** Minutes a Replicator's MessageLag must grow without a pause before its alarm fires. */
export const REPLICATOR_STUCK_MINUTES = 10;

/**
 * In the target region, where MSK publishes Replicator metrics (AWS/Kafka, dimension
 * ReplicatorName: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-monitor.html):
 * - ReplicationLatency (ms) above the stream's consumerLagMs, which consumers reading the copy
 *   are held to (the Kubernetes mirror's alert too), else the mirroring p99 the analysis assumes;
 * - MessageLag (messages the Replicator is behind the source) above 0 and not falling in every
 *   minute of REPLICATOR_STUCK_MINUTES: a Replicator that stopped reading, which
 *   ReplicationLatency cannot show (no replicated record, no latency: AWS names a latency
 *   dropping while the source still produces as the sign of a topic-level auth error); a healthy
 *   one drains, so its lag falls in some minute. Counted in messages, not held to a traffic figure;
 * - any ReplicatorFailure.
 */
function replicatorAlarms(ctx: AwsContext, stream: ResolvedStream, pair: MirrorPair, name: string): void {
  const mirroring = PIPELINES["kafka-mirroring"];
  const dimensions = [{ ReplicatorName: name }];
  const lagMs = stream.slo.consumerLagMs;
  ctx.alarm({
    component: stream.name,
    region: pair.target,
    key: `replication-latency-${pair.source}`,
    description:
      lagMs === undefined
        ? `${stream.path}: records from ${pair.source} reach ${pair.target} later than the ${mirroring.p99Ms} ms mirroring p99 the analysis assumes (${mirroring.source})`
        : `${stream.path}: records from ${pair.source} reach ${pair.target} later than the ${lagMs} ms consumerLagMs SLO: consumers reading the copy are at least that far behind`,
    namespace: "AWS/Kafka",
    metricName: "ReplicationLatency",
    dimensions,
    statistic: "Maximum",
    threshold: lagMs ?? mirroring.p99Ms,
  });
  ctx.expressionAlarm({
    component: stream.name,
    region: pair.target,
    key: `replicator-stuck-${pair.source}`,
    description: `${stream.path}: the MSK Replicator from ${pair.source} to ${pair.target} has been behind the source without catching up for ${REPLICATOR_STUCK_MINUTES} minutes (MessageLag above 0, not falling): it has stopped or cannot keep up`,
    namespace: "AWS/Kafka",
    metrics: [
      { id: "lag", metricName: "MessageLag", statistic: "Sum", dimensions: { ReplicatorName: name } },
    ],
    expressions: [
      // Behind and not catching up: flat counts too (a stopped Replicator while the source is quiet).
      {
        id: "stuck",
        expression: "IF(lag > 0 AND RATE(lag) >= 0, 1, 0)",
        label: "MessageLag above 0 and not falling",
      },
    ],
    threshold: 0,
    evaluationPeriods: REPLICATOR_STUCK_MINUTES,
    datapointsToAlarm: REPLICATOR_STUCK_MINUTES,
  });
  ctx.alarm({
    component: stream.name,
    region: pair.target,
    key: `replicator-failure-${pair.source}`,
    description: `${stream.path}: the MSK Replicator from ${pair.source} to ${pair.target} reports failures`,
    namespace: "AWS/Kafka",
    metricName: "ReplicatorFailure",
    dimensions,
    statistic: "Maximum",
    threshold: 0,
  });
  ctx.widget(pair.target, {
    component: stream.name,
    title: `MSK Replicator latency from ${pair.source} (ms)`,
    stat: "Maximum",
    metrics: [["AWS/Kafka", "ReplicationLatency", "ReplicatorName", name]],
    threshold:
      lagMs === undefined
        ? { label: "mirroring p99 (analysis)", value: mirroring.p99Ms }
        : { label: "consumerLagMs SLO", value: lagMs },
  });
}
