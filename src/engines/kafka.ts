/**
 * Apache Kafka on the Strimzi operator (`kafka.strimzi.io/v1`, the only API of Strimzi ≥ 1.0 and of
 * the CRDs in ../shared/data/crds). A stream is one Kafka cluster per region (brokers replicate
 * within the region): a `Kafka` (KRaft, node pools), per zone a `KafkaNodePool` of brokers and one
 * of controllers, a `KafkaTopic` with the stream's partitions, replicas and `min.insync.replicas`,
 * the JMX exporter rules as a ConfigMap, and Kafka Exporter for consumer lag.
 *
 * Strimzi ≥ 0.48 runs KRaft with node pools only: the `strimzi.io/kraft` and `strimzi.io/node-pools`
 * annotations "are not required anymore and will be ignored if set" (0.48.0 release notes), so they
 * are not emitted.
 *
 * Rack awareness: each node pool is pinned to one zone, so its brokers get `broker.rack` = that
 * zone from an environment variable (`rack.type: environment-variable`, Strimzi 1.0) — static and
 * true, like CockroachDB's locality — instead of the `topology-label` type, whose init container
 * needs a ClusterRoleBinding to read Node objects. Kafka then spreads each partition's replicas
 * over racks (https://kafka.apache.org/documentation/#basic_ops_racks).
 *
 * Pods meet the namespace's restricted Pod Security Standard through the pool, entity-operator and
 * exporter templates (Strimzi also offers a cluster-wide `restricted` security provider).
 */

import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { streamDisruptionBudget } from "../compile/kubernetes/disruption.js";
import { componentLabels, planned } from "../compile/kubernetes/manifest.js";
import type { Placed } from "../compile/kubernetes/placements.js";
import { kubernetesName } from "../compile/names.js";
import { selector } from "../compile/observability/promql.js";
import type { PlannedResource } from "../compile/plan.js";
import { mirrorPairs } from "../model/msk-clusters.js";
import type { ResolvedStream } from "../model/types.js";
import { perZone } from "../model/zone-deal.js";
import { ENGINE_CAPABILITIES } from "./capabilities.js";
import { JMX_EXPORTER_CONFIG, JMX_EXPORTER_KEY, KAFKA_METRICS } from "./kafka-metrics.js";
import {
  CONNECT_REST_PORT,
  MIRROR_PORT,
  MIRROR_REQUIRES,
  mirroredInto,
  mirroredTopics,
  mirrorListener,
  mirrorOnly,
  mirrorResources,
  mirrorSources,
  sourcesOf,
} from "./kafka-mirror.js";
import { mirrorLag } from "./kafka-mirror-metrics.js";
import { CONTROLLER_STORAGE_GI } from "./kafka-sizing.js";
import { apiServerEgress, RESTRICTED_CONTAINER } from "./security.js";
import { strimziPodLabels } from "./strimzi-pods.js";
import type { EngineComponent, EngineDefinition, Indicators } from "./types.js";

const CAPS = ENGINE_CAPABILITIES.kafka;
const API = "kafka.strimzi.io/v1";

/**
 * Ports Strimzi opens on every Kafka pod for its own use (KafkaCluster.java: CONTROLPLANE_PORT,
 * REPLICATION_PORT, KAFKA_AGENT_PORT).
 */
const STRIMZI_PORTS = { controlPlane: 9090, replication: 9091, kafkaAgent: 8443 } as const;

const ZONE_KEY = "topology.kubernetes.io/zone";
/** Environment variable holding a pool's zone, read by Strimzi as `broker.rack`. */
export const RACK_ENV = "TOPOPLAN_ZONE";
/** KRaft controllers per cluster (capabilities.ts `metadataQuorum`, which the analysis reads too). */
export const CONTROLLERS = CAPS.metadataQuorum!.value;
/**
 * Voluntary disruptions the Kafka PodDisruptionBudget allows. Strimzi makes one budget for every
 * node of the cluster, brokers and KRaft controllers alike (KafkaCluster.generatePodDisruptionBudget
 * counts `nodes()`), with `maxUnavailable` 1 unless the Kafka's template says otherwise (CRD:
 * "Defaults to 1"). So it is the smaller of what the brokers tolerate (replicas − minInSync: an
 * acks=all write needs minInSync in-sync replicas, and every broker holds a replica of each
 * partition) and what the controllers' quorum tolerates (3 → 1).
 */
export function kafkaMaxUnavailable(stream: Pick<ResolvedStream, "replicas" | "minInSync">): number {
  const controllerQuorum = Math.floor(CONTROLLERS / 2) + 1;
  return Math.min(streamDisruptionBudget(stream), CONTROLLERS - controllerQuorum);
}

/** `version` of the Kafka CR from a Strimzi image tag `<strimzi>-kafka-<kafka version>`, if it is one. */
export function kafkaVersionOf(image: string): string | undefined {
  return /:[^:/]*-kafka-(\d+\.\d+\.\d+)$/.exec(image)?.[1];
}

const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
/**
 * Brokers and controllers write their volumes as uid 1001, gid 0 (the Strimzi image). Strimzi adds
 * `fsGroup: 0` to pods with persistent storage only when the template sets no pod security context
 * (strimzi-kafka-operator, BaselinePodSecurityProvider.createStatefulPodSecurityContext), so ours
 * has to carry it: without it a fresh volume's root (root, 0755) is not writable and no broker or
 * KRaft controller starts. The restricted Pod Security Standard does not limit fsGroup.
 */
const NODE_POOL_POD = { ...RESTRICTED_POD, fsGroup: 0 };

function nodePool(
  topology: string,
  placed: Placed,
  role: "broker" | "controller",
  zone: string,
  replicas: number,
) {
  const sizeGi = role === "broker" ? placed.deploy.storageGi : CONTROLLER_STORAGE_GI;
  return {
    apiVersion: API,
    kind: "KafkaNodePool",
    metadata: {
      name: kubernetesName([placed.name, role, zone]),
      namespace: placed.namespace,
      labels: { ...componentLabels(topology, placed), "strimzi.io/cluster": placed.name },
    },
    spec: {
      replicas,
      roles: [role],
      storage: {
        type: "jbod",
        volumes: [
          {
            id: 0,
            type: "persistent-claim",
            size: `${sizeGi}Gi`,
            ...(placed.deploy.storageClass === undefined ? {} : { class: placed.deploy.storageClass }),
            deleteClaim: false,
            kraftMetadata: "shared",
          },
        ],
      },
      resources: {
        requests: { cpu: placed.deploy.cpu, memory: placed.deploy.memory },
        limits: { memory: placed.deploy.memory },
      },
      template: {
        pod: {
          metadata: { labels: strimziPodLabels(topology, placed) },
          securityContext: NODE_POOL_POD,
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: ZONE_KEY, operator: "In", values: [zone] }] },
                ],
              },
            },
          },
        },
        kafkaContainer: { env: [{ name: RACK_ENV, value: zone }], securityContext: RESTRICTED_CONTAINER },
      },
    },
  };
}

/**
 * Broker defaults (https://kafka.apache.org/documentation/#brokerconfigs): the stream's replicas and
 * min.insync.replicas for every topic, internal topics included, unclean leader election as
 * declared (off by default: an out-of-sync replica must never become leader, acknowledged writes
 * would be lost), topics only from KafkaTopic resources.
 *
 * Internal topics are as wide as the stream's: the group coordinator writes offset commits with
 * acks=all (`offsets.commit.required.acks`, default -1; KIP-1041 removed the setting in Kafka
 * 4.0), so the offsets topic obeys the broker's min.insync.replicas, and the transaction log its
 * own min.isr. At Kafka's default of 3 replicas, a stream of 5 with minInSync 3 would survive 2
 * brokers down while consumers could not commit (and transactions not complete) after 1.
 */
export function brokerConfig(stream: ResolvedStream): Record<string, number | boolean> {
  return {
    "default.replication.factor": stream.replicas,
    "min.insync.replicas": stream.minInSync,
    "offsets.topic.replication.factor": stream.replicas,
    "transaction.state.log.replication.factor": stream.replicas,
    "transaction.state.log.min.isr": stream.minInSync,
    "unclean.leader.election.enable": stream.uncleanLeaderElection,
    "auto.create.topics.enable": false,
  };
}

function kafkaCluster(topology: string, stream: ResolvedStream, placed: Placed, metricsConfigMap: string) {
  const version = kafkaVersionOf(placed.deploy.image);
  const template = (container: string) => ({
    pod: { metadata: { labels: strimziPodLabels(topology, placed) }, securityContext: RESTRICTED_POD },
    [container]: { securityContext: RESTRICTED_CONTAINER },
  });
  return {
    apiVersion: API,
    kind: "Kafka",
    metadata: { name: placed.name, namespace: placed.namespace, labels: componentLabels(topology, placed) },
    spec: {
      kafka: {
        ...(version === undefined ? {} : { version }),
        // Clients connect over TLS on the engine's client port (Strimzi internal listener).
        // A source of mirrorRegions adds the cross-cluster listener MirrorMaker 2 dials (kafka-mirror.ts).
        listeners: [
          { name: "tls", port: placed.deploy.port, type: "internal", tls: true },
          ...(mirrorSources(stream).includes(placed.region) ? [mirrorListener(stream, placed)] : []),
        ],
        config: brokerConfig(stream),
        rack: { type: "environment-variable", envVarName: RACK_ENV },
        metricsConfig: {
          type: "jmxPrometheusExporter",
          valueFrom: { configMapKeyRef: { name: metricsConfigMap, key: JMX_EXPORTER_KEY } },
        },
        template: { podDisruptionBudget: { maxUnavailable: kafkaMaxUnavailable(stream) } },
      },
      // The Topic Operator reconciles the KafkaTopic below.
      entityOperator: { topicOperator: {}, template: template("topicOperatorContainer") },
      // Consumer-group lag of the topics the indicators read (the stream's, and in a region of
      // mirrors only, MirrorMaker 2's `<source>.<stream>` copies; Strimzi: https://strimzi.io/docs/operators/latest/deploying#con-metrics-kafka-exporter-lag-str).
      kafkaExporter: {
        topicRegex: `^(?:${indicatorTopics(stream, placed.region).map(escapeRegex).join("|")})$`,
        groupRegex: ".*",
        template: template("container"),
      },
    },
  };
}

function kafkaTopic(topology: string, stream: ResolvedStream, placed: Placed) {
  return {
    apiVersion: API,
    kind: "KafkaTopic",
    metadata: {
      name: placed.name,
      namespace: placed.namespace,
      labels: { ...componentLabels(topology, placed), "strimzi.io/cluster": placed.name },
    },
    spec: {
      partitions: stream.partitions,
      replicas: stream.replicas,
      // Topic configs: https://kafka.apache.org/documentation/#topicconfigs
      config: {
        "min.insync.replicas": stream.minInSync,
        "unclean.leader.election.enable": stream.uncleanLeaderElection,
        "retention.ms": Math.round(stream.retentionHours * 3_600_000),
      },
    },
  };
}

/**
 * Under the namespace's default deny, Strimzi's own NetworkPolicies only open ingress: its pods
 * still need egress to each other (controller quorum, replication, exporter and entity operator to
 * the brokers), and the entity operator to the Kubernetes API (its address is the cluster's: any
 * address but link-local, on 443 and 6443).
 */
function egressPolicies(topology: string, placed: Placed): PlannedResource[] {
  const cluster = { "strimzi.io/cluster": placed.name };
  const meta = (suffix: string) => ({
    name: kubernetesName([placed.name, suffix]),
    namespace: placed.namespace,
    labels: componentLabels(topology, placed),
  });
  const intra: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("kafka-egress"),
    spec: {
      podSelector: { matchLabels: cluster },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: cluster } }] }],
    },
  };
  const api = apiServerEgress(meta("entity-operator-api"), {
    "strimzi.io/name": `${placed.name}-entity-operator`,
  });
  return [planned(placed.region, placed.name, intra), planned(placed.region, placed.name, api)];
}

/** The Strimzi resources of one stream in one region. */
export function kafkaResources(topology: string, stream: ResolvedStream, placed: Placed): PlannedResource[] {
  const metricsName = kubernetesName([placed.name, "kafka-metrics"]);
  const metrics: IConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: metricsName, namespace: placed.namespace, labels: componentLabels(topology, placed) },
    data: { [JMX_EXPORTER_KEY]: JMX_EXPORTER_CONFIG },
  };
  const pools = [
    ...[...perZone(placed.replicas, placed.zones)].map(([zone, n]) =>
      nodePool(topology, placed, "broker", zone, n),
    ),
    ...[...perZone(CONTROLLERS, placed.zones)].map(([zone, n]) =>
      nodePool(topology, placed, "controller", zone, n),
    ),
  ];
  const kafka = kafkaCluster(topology, stream, placed, metricsName);
  const clusterName = `${placed.region}/${placed.namespace}/Kafka/${placed.name}`;
  return [
    planned(placed.region, placed.name, metrics),
    planned(placed.region, placed.name, kafka, { protect: true, retainOnDelete: true }),
    ...pools.map((pool) =>
      planned(placed.region, placed.name, pool, {
        protect: true,
        retainOnDelete: true,
        dependsOn: [clusterName],
      }),
    ),
    planned(placed.region, placed.name, kafkaTopic(topology, stream, placed), { dependsOn: [clusterName] }),
    ...egressPolicies(topology, placed),
    ...mirrorResources(topology, stream, placed),
  ];
}

/**
 * The topics a region's indicators read: the stream's own and, in a region holding only mirrors of
 * two or more sources, MirrorMaker 2's `<source>.<stream>` copies — there they are the stream:
 * consumers read them, and MM2 is their producer. In a stream region receiving a mirror the copies
 * are left out: MM2 fills a copy of a group while the group is empty (before its consumers first
 * start, scaled to zero), and a group whose consumers read only their own region's topic would
 * see that frozen copy fall further behind for as long as Kafka keeps its offsets.
 */
const indicatorTopics = (stream: ResolvedStream, region: string | undefined) => [
  stream.name,
  ...(mirrorOnly(stream, region) ? mirroredTopics(stream, region) : []),
];
/** A regular expression matching `text` only (topic names: letters, digits, "-" and "."). */
const escapeRegex = (text: string) => text.replaceAll(".", "\\.");
/** The component's series of `topics`: one by name, several by an anchored PromQL regex (`[.]`, no escapes to quote). */
const topicsSelector = (component: string, topics: readonly string[]) =>
  selector(
    component,
    topics.length === 1
      ? `topic="${topics[0]}"`
      : `topic=~"${topics.map((t) => t.replaceAll(".", "[.]")).join("|")}"`,
  );

/**
 * Availability: failed produce requests of the topics read ({@link indicatorTopics}) over all
 * of them — what producers see (MirrorMaker 2 is the producer of the copies). Not fetches: the broker counts a fetch once per partition read, followers' replication
 * fetches included (ReplicaManager.fetchMessages marks `totalFetchRequestRate` for every partition
 * of every fetch, a follower's too), so the replicas' own long polls would fill the denominator and
 * dilute producers' failures by a factor that does not follow traffic; a consumer that cannot
 * fetch shows in the consumer-lag SLO instead. Leader:
 * exactly one active KRaft controller (Strimzi's AbnormalControllerState alert: `!= 1`). No latency
 * indicator: Strimzi's rules leave out RequestMetrics, and end-to-end latency needs the clients'.
 *
 * Consumer lag: Kafka Exporter counts it in messages. It becomes seconds as the group's lag on a
 * topic over the topic's production rate (messages appended per second, from the partitions'
 * current offsets): how many seconds of production the group is behind — an estimate that holds
 * while the production rate is steady, and is +Inf (alerting) when production stops with a group
 * behind. The worst group and topic of {@link indicatorTopics}.
 *
 * Replication lag: where MirrorMaker 2 runs (kafka-mirror.ts), the mirror is this region's replica
 * of the stream, and its lag MM2's replication latency (kafka-mirror-metrics.ts); in-cluster
 * follower lag is left to min.insync.replicas.
 */
function indicators(component: EngineComponent, region?: string): Indicators {
  const stream = component as ResolvedStream;
  const everyTopic = topicsSelector(component.name, indicatorTopics(stream, region));
  const broker = selector(component.name, 'topic=""');
  const total = (metric: string, w: string) => `(sum(rate(${metric}${everyTopic}[${w}])) or vector(0))`;
  const requests = (w: string) => total("kafka_server_brokertopicmetrics_totalproducerequests_total", w);
  const failed = (w: string) => total("kafka_server_brokertopicmetrics_failedproducerequests_total", w);
  const mirror = mirroredInto(stream, region) ? mirrorLag(component.name) : undefined;
  // In a mirror-only region MirrorMaker 2 copies every source group's committed offsets into
  // groups of the same names (sync.group.offsets, kafka-mirror.ts): on the topic itself (one
  // source), or on the `<source>.<stream>` copies (two or more) — and the copies of the one-source
  // days stay on the topic, frozen, after a second source switched the names. They have no members
  // and trail by the checkpoint interval (60 s by default): only groups with members count there.
  // Elsewhere, a stream region receiving a mirror included, the copied groups are on
  // `<source>.<stream>`, which it does not read, and every group of its topic counts: a consumer
  // that stopped (its group empty) is what the lag SLO is there to catch.
  const lagOf = (topics: string) => `sum by (consumergroup, topic) (kafka_consumergroup_lag${topics})`;
  const withMembers = (lag: string) =>
    `(${lag} and on(consumergroup) (sum by (consumergroup) (kafka_consumergroup_members${selector(component.name)}) > 0))`;
  const lagByGroup = mirrorOnly(stream, region) ? withMembers(lagOf(everyTopic)) : lagOf(everyTopic);
  return {
    requestRate: (w) => requests(w),
    errorRatio: (w) => `(${failed(w)}) / (${requests(w)})`,
    leaderPresent: `sum(kafka_controller_kafkacontroller_activecontrollercount${selector(component.name)}) == bool 1`,
    consumerLagSeconds: `max(${lagByGroup} / on(topic) group_left() sum by (topic) (rate(kafka_topic_partition_current_offset${everyTopic}[5m])))`,
    ...(mirror === undefined ? {} : { replicationLagSeconds: mirror.seconds }),
    // One series per partition and source (MirrorSourceMetrics registers each assigned partition
    // when its task starts).
    ...(mirror === undefined || region === undefined
      ? {}
      : {
          mirrorPartitions: {
            series: mirror.series,
            expected: stream.partitions * sourcesOf(stream, region).length,
          },
        }),
    presence: {
      availability: `kafka_server_brokertopicmetrics_totalproducerequests_total${broker}`,
      consumerLag: `kafka_consumergroup_lag${everyTopic}`,
      ...(mirror === undefined ? {} : { replicationLag: mirror.series }),
    },
  };
}

export const kafka: EngineDefinition = {
  id: "kafka",
  capabilities: CAPS,
  requires: [
    "Strimzi cluster operator ≥ 1.0 (kafka.strimzi.io/v1 CRDs: Kafka, KafkaNodePool, KafkaTopic) watching the namespace",
    ...MIRROR_REQUIRES,
  ],
  managedBy: "operator",
  // Strimzi's bootstrap Service for the listeners (`<cluster>-kafka-bootstrap`, on the tls listener's
  // port); clients then dial the brokers it names, which carry the same labels.
  clientService: (component) => `${component.name}-kafka-bootstrap`,
  // Strimzi's metrics port on Kafka and Kafka Exporter pods (its PodMonitor example:
  // packaging/examples/metrics/prometheus-install/pod-monitors/kafka-resources-metrics.yaml).
  podMetricsPort: "tcp-prometheus",
  // The cluster operator runs outside the mesh and dials every broker and controller: the control
  // plane listener (rolling updates), the replication listener (its admin client) and the
  // KafkaAgent (broker state). Strimzi protects each with its own TLS and client certificates and
  // admits the operator in the NetworkPolicy it makes (KafkaCluster.generateNetworkPolicy).
  // One Kafka cluster per region: no broker dials another region's.
  peersAcrossRegions: false,
  // Where the stream is mirrored, the operator also creates and updates MirrorMaker 2's connectors
  // through the Kafka Connect REST API of its pods, which carry the stream's labels (kafka-mirror.ts).
  sidecarlessClients: (component) => [
    { port: STRIMZI_PORTS.kafkaAgent, from: "the Strimzi cluster operator (KafkaAgent, broker state)" },
    { port: STRIMZI_PORTS.controlPlane, from: "the Strimzi cluster operator (control plane listener)" },
    {
      port: STRIMZI_PORTS.replication,
      from: "the Strimzi cluster operator (replication listener, admin client)",
    },
    ...(mirroredInto(component as ResolvedStream)
      ? [
          {
            port: CONNECT_REST_PORT,
            from: "the Strimzi cluster operator (MirrorMaker 2's connectors, REST API)",
          },
        ]
      : []),
  ],
  // MirrorMaker 2 in a mirror region reads a source cluster over its mirror listener (TLS with
  // hostname verification, kafka-mirror.ts), from another region's mesh.
  crossClusterClients: (component) =>
    mirrorPairs(component as ResolvedStream).length > 0 ? [MIRROR_PORT] : [],
  metricNames: KAFKA_METRICS,
  indicators,
  compileRegion: ({ model, component, placed }) =>
    kafkaResources(model.name, component as ResolvedStream, placed),
};
