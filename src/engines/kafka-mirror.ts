/**
 * `mirrorRegions` of a Kafka stream on Strimzi: MirrorMaker 2 copies each stream region's topic to
 * every other mirror region, the same (source → target) pairs MSK Replicator gets on AWS and the
 * analysis prices (model/msk-clusters.ts `mirrorPairs`). Each target region runs one
 * `KafkaMirrorMaker2` beside its own cluster (Strimzi: "deploy MirrorMaker 2 in the target
 * cluster", consumers read remotely and produce locally), with one mirror per source region.
 *
 * Across clusters: a source cluster gets a second internal TLS listener (`mirror`, 9094) that
 * advertises its brokers by their Multi-Cluster Services names
 * (`<pod>.<region>.<stream>-kafka-brokers.<namespace>.svc.clusterset.local`, KEP-1645, cluster id =
 * region, as members.ts names peers) and a bootstrap Service unique to the region, both exported.
 * Strimzi adds a TLS listener's advertised host and bootstrap `alternativeNames` to the brokers'
 * certificates (KafkaListenersReconciler.internalServicesReady, ListenersUtils.alternativeNames),
 * so MirrorMaker 2 verifies the hostnames. The bootstrap must be region-unique: MCS merges
 * same-named exports of every cluster into one service.
 *
 * Monitoring: MirrorMaker 2's pods export its MirrorSourceConnector metrics through Strimzi's JMX
 * exporter (kafka-mirror-metrics.ts) and carry the stream's pod labels, so the stream's PodMonitor
 * scrapes them on Strimzi's `tcp-prometheus` port and the stream's ingress NetworkPolicy admits
 * Prometheus there, as for the brokers.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IService } from "kubernetes-models/v1/Service";
import { LINK_LOCAL_CIDR } from "../compile/kubernetes/constants.js";
import { componentLabels, planned } from "../compile/kubernetes/manifest.js";
import type { Placed } from "../compile/kubernetes/placements.js";
import { serviceExport } from "../compile/kubernetes/workloads.js";
import { kubernetesName } from "../compile/names.js";
import type { PlannedResource } from "../compile/plan.js";
import { mirrorPairs, sourcesOf } from "../model/msk-clusters.js";
import type { ResolvedStream } from "../model/types.js";
import { MM2_JMX_EXPORTER_CONFIG, MM2_JMX_EXPORTER_KEY } from "./kafka-mirror-metrics.js";
import { MIRROR_MAKER_RESOURCES } from "./kafka-sizing.js";
import { RESTRICTED_CONTAINER } from "./security.js";
import { strimziPodLabels } from "./strimzi-pods.js";

const API = "kafka.strimzi.io/v1";
/** Port of the cross-cluster listener: Strimzi's examples give 9094 to the third listener. */
export const MIRROR_PORT = 9094;
/** Kafka Connect's REST API, which MirrorMaker 2 workers forward requests over (Strimzi's KafkaConnectCluster.REST_API_PORT). */
export const CONNECT_REST_PORT = 8083;
const IDENTITY_POLICY = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";
const DEFAULT_POLICY = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy";

/** What mirroring needs in the clusters, beyond the Strimzi operator. */
export const MIRROR_REQUIRES = [
  "with mirrorRegions: the Strimzi KafkaMirrorMaker2 CRD; multicluster-services exporting each source region's `<stream>-mirror-<region>` and `<stream>-kafka-brokers` Services; in each target namespace a Secret `<stream>-<source>-cluster-ca-cert` (key ca.crt) copied from the source's `<stream>-cluster-ca-cert`",
];

/** Regions whose clusters MirrorMaker 2 reads (sources) and writes (targets). */
export function mirrorSources(stream: ResolvedStream): string[] {
  return [...new Set(mirrorPairs(stream).map((pair) => pair.source))].sort();
}
export { sourcesOf };
/** Whether MirrorMaker 2 runs in `region`; without one, in any region. */
export function mirroredInto(stream: ResolvedStream, region?: string): boolean {
  return region === undefined ? mirrorPairs(stream).length > 0 : sourcesOf(stream, region).length > 0;
}

/** Whether `region` holds only mirrors of `stream` (a `mirrorRegions` region outside its `regions`). */
export function mirrorOnly(stream: ResolvedStream, region: string | undefined): boolean {
  return region !== undefined && !stream.regions.includes(region) && mirroredInto(stream, region);
}

/**
 * Whether MirrorMaker 2 writes `stream`'s topic into `region` under the topic's own name
 * (IdentityReplicationPolicy: a region holding only the mirror of one source). There it also
 * copies the source groups' committed offsets into groups of the same names on the same topic;
 * elsewhere the copy and its groups' offsets are on `<source>.<stream>` ({@link mirroredTopics}).
 */
export function mirroredUnderOwnName(stream: ResolvedStream, region: string | undefined): boolean {
  return (
    region !== undefined &&
    mirroredInto(stream, region) &&
    replicationPolicy(stream, region) === IDENTITY_POLICY
  );
}

/** The KafkaMirrorMaker2 (and its pods' `strimzi.io/cluster` label) in a target region. */
export const mirrorMakerName = (stream: string) => kubernetesName([stream, "mirror"]);
/** The ConfigMap of MirrorMaker 2's JMX exporter rules in a target region. */
export const mirrorMetricsName = (stream: string) => kubernetesName([stream, "mirror-metrics"]);
/** A source region's bootstrap Service for MirrorMaker 2, unique across the clusterset. */
export const mirrorBootstrapName = (stream: string, region: string) =>
  kubernetesName([stream, "mirror", region]);
const clustersetHost = (service: string, namespace: string) => `${service}.${namespace}.svc.clusterset.local`;

/**
 * Topic names at the target. A region that only holds the mirror of one source keeps the name (as
 * MSK Replicator does with identical names), so clients fail over to the same topic and translated
 * offsets. Elsewhere MM2's default `<source>.<topic>` keeps each source's copy apart:
 * - a target that is also a stream region has producers of its own and is itself a source: with
 *   the identity policy its topic would carry the source's records back out (a loop between two
 *   such regions, duplicates at a third), which MirrorMaker 2 cannot tell apart;
 * - a target of two or more sources would interleave their records in one topic, and their
 *   groups' translated offsets would meet in one group: MirrorCheckpointTask.syncGroupOffset only
 *   moves a group's committed offset forward (it skips a translation at or below the target's), so
 *   the group would keep the further of the two translations, and a consumer failing over would
 *   skip the records of the other source it had not read (apache/kafka, connect/mirror).
 */
export function replicationPolicy(stream: ResolvedStream, target: string): string {
  return stream.regions.includes(target) || sourcesOf(stream, target).length > 1
    ? DEFAULT_POLICY
    : IDENTITY_POLICY;
}

/**
 * The topics MirrorMaker 2 writes `stream`'s copies to in `region` under their source's name
 * (`<source>.<stream>`, DefaultReplicationPolicy), sorted; none where it keeps the stream's own
 * name or does not run.
 */
export function mirroredTopics(stream: ResolvedStream, region: string | undefined): string[] {
  if (region === undefined || !mirroredInto(stream, region) || mirroredUnderOwnName(stream, region))
    return [];
  return sourcesOf(stream, region).map((source) => `${source}.${stream.name}`);
}

/** The `mirror` listener of a source cluster, for its Kafka's `listeners`. */
export function mirrorListener(stream: ResolvedStream, placed: Placed) {
  const brokers = `${placed.name}-kafka-brokers`;
  return {
    name: "mirror",
    port: MIRROR_PORT,
    type: "internal",
    tls: true,
    configuration: {
      advertisedHostTemplate: `{nodePodName}.${placed.region}.${brokers}.${placed.namespace}.svc.clusterset.local`,
      bootstrap: {
        alternativeNames: [clustersetHost(mirrorBootstrapName(stream.name, placed.region), placed.namespace)],
      },
    },
  };
}

const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0", except: [LINK_LOCAL_CIDR] } }];

/** A source region: the exported bootstrap and brokers Services, and ingress on the mirror port. */
function sourceResources(topology: string, stream: ResolvedStream, placed: Placed): PlannedResource[] {
  const labels = componentLabels(topology, placed);
  const brokers = { "strimzi.io/cluster": placed.name, "strimzi.io/broker-role": "true" };
  const bootstrap: IService = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: mirrorBootstrapName(stream.name, placed.region), namespace: placed.namespace, labels },
    spec: {
      selector: brokers,
      ports: [{ name: "tcp-mirror", port: MIRROR_PORT, targetPort: MIRROR_PORT, protocol: "TCP" }],
    },
  };
  // Strimzi's own policy admits its listeners from anywhere; this one says so for the cross-region
  // port under topoplan's default deny, whatever the operator's network policy generation.
  const ingress: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: kubernetesName([placed.name, "mirror-ingress"]), namespace: placed.namespace, labels },
    spec: {
      podSelector: { matchLabels: brokers },
      policyTypes: ["Ingress"],
      ingress: [{ from: anywhere, ports: [{ protocol: "TCP", port: MIRROR_PORT }] }],
    },
  };
  return [
    planned(placed.region, placed.name, bootstrap),
    serviceExport(topology, placed, bootstrap.metadata?.name ?? ""),
    serviceExport(topology, placed, `${placed.name}-kafka-brokers`),
    planned(placed.region, placed.name, ingress),
  ];
}

/** Secret in the target namespace holding a source cluster's CA certificate (copied by the user). */
export const sourceCaSecret = (stream: string, source: string) =>
  kubernetesName([stream, source, "cluster-ca-cert"]);

/**
 * The KafkaMirrorMaker2 of a target region. Internal topics (Connect's, MM2's checkpoints and
 * offset syncs) are as wide as the stream's topic; offset syncs live on the target
 * (`offset-syncs.topic.location`, KIP-716), so MM2 only reads from the source. Consumer groups:
 * every group (`groupsPattern: .*`), since MM2 checkpoints only groups with offsets on the mirrored
 * topic, i.e. the stream's consumers whatever their group ids; their committed offsets are
 * translated into the target's same-named groups (`sync.group.offsets.enabled`, KIP-545) — only
 * while such a group has no members there: MirrorCheckpointTask syncs idle groups only, and the
 * group coordinator refuses an offset commit from outside a group with members. So a consumer that
 * fails over to a mirror-only region resumes near where it stopped, but in a stream region, whose
 * consumers keep their groups active on the stream's own topic, the groups' offsets on
 * `<source>.<stream>` are not kept up to date: failing over there starts from offsets translated
 * by hand from the checkpoints (`<source>.checkpoints.internal`), or from `auto.offset.reset`.
 */
export function mirrorMaker2(topology: string, stream: ResolvedStream, placed: Placed) {
  const replicas = stream.replicas;
  const policy = { "replication.policy.class": replicationPolicy(stream, placed.region) };
  const tls = (secretName: string) => ({ trustedCertificates: [{ secretName, certificate: "ca.crt" }] });
  return {
    apiVersion: API,
    kind: "KafkaMirrorMaker2",
    metadata: {
      name: mirrorMakerName(stream.name),
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    spec: {
      // One worker: MM2's source task count is bounded by partitions, not by workers; estimate.
      replicas: 1,
      target: {
        alias: placed.region,
        bootstrapServers: `${placed.name}-kafka-bootstrap:${placed.deploy.port}`,
        groupId: kubernetesName([stream.name, "mirror", "connect"]),
        configStorageTopic: "mirrormaker2-cluster-configs",
        offsetStorageTopic: "mirrormaker2-cluster-offsets",
        statusStorageTopic: "mirrormaker2-cluster-status",
        // The target's own cluster CA Secret, made by Strimzi beside its Kafka.
        tls: tls(`${placed.name}-cluster-ca-cert`),
        config: {
          "config.storage.replication.factor": replicas,
          "offset.storage.replication.factor": replicas,
          "status.storage.replication.factor": replicas,
        },
      },
      mirrors: sourcesOf(stream, placed.region).map((source) => ({
        source: {
          alias: source,
          bootstrapServers: `${clustersetHost(mirrorBootstrapName(stream.name, source), placed.namespace)}:${MIRROR_PORT}`,
          tls: tls(sourceCaSecret(stream.name, source)),
        },
        sourceConnector: {
          tasksMax: stream.partitions,
          config: {
            ...policy,
            "replication.factor": replicas,
            "offset-syncs.topic.location": "target",
            "offset-syncs.topic.replication.factor": replicas,
            "sync.topic.acls.enabled": "false",
          },
        },
        checkpointConnector: {
          tasksMax: 1,
          config: {
            ...policy,
            "checkpoints.topic.replication.factor": replicas,
            "offset-syncs.topic.location": "target",
            "sync.group.offsets.enabled": "true",
          },
        },
        topicsPattern: `^${stream.name}$`,
        groupsPattern: ".*",
      })),
      resources: {
        requests: { ...MIRROR_MAKER_RESOURCES },
        limits: { memory: MIRROR_MAKER_RESOURCES.memory },
      },
      metricsConfig: {
        type: "jmxPrometheusExporter",
        valueFrom: {
          configMapKeyRef: { name: mirrorMetricsName(stream.name), key: MM2_JMX_EXPORTER_KEY },
        },
      },
      template: {
        pod: {
          metadata: { labels: strimziPodLabels(topology, placed) },
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        },
        connectContainer: { securityContext: RESTRICTED_CONTAINER },
      },
    },
  };
}

/**
 * MirrorMaker 2's egress: its own cluster's brokers (client port), the source clusters' mirror
 * listener in other regions (anywhere but link-local: their addresses are the clusterset's), and
 * the other workers' REST API. DNS is open namespace-wide.
 */
function mirrorEgress(topology: string, stream: ResolvedStream, placed: Placed): INetworkPolicy {
  const own = { "strimzi.io/cluster": mirrorMakerName(stream.name) };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: kubernetesName([placed.name, "mirror-egress"]),
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    spec: {
      podSelector: { matchLabels: own },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { "strimzi.io/cluster": placed.name } } }],
          ports: [{ protocol: "TCP", port: placed.deploy.port }],
        },
        { to: anywhere, ports: [{ protocol: "TCP", port: MIRROR_PORT }] },
        {
          to: [{ podSelector: { matchLabels: own } }],
          ports: [{ protocol: "TCP", port: CONNECT_REST_PORT }],
        },
      ],
    },
  };
}

/** MirrorMaker 2's JMX exporter rules, which its `metricsConfig` names. */
function mirrorMetrics(topology: string, stream: ResolvedStream, placed: Placed): IConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: mirrorMetricsName(stream.name),
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    data: { [MM2_JMX_EXPORTER_KEY]: MM2_JMX_EXPORTER_CONFIG },
  };
}

/** Everything mirroring adds in one region of the stream's clusters. */
export function mirrorResources(topology: string, stream: ResolvedStream, placed: Placed): PlannedResource[] {
  const out: PlannedResource[] = [];
  if (mirrorSources(stream).includes(placed.region)) out.push(...sourceResources(topology, stream, placed));
  if (mirroredInto(stream, placed.region)) {
    const clusterName = `${placed.region}/${placed.namespace}/Kafka/${placed.name}`;
    out.push(
      planned(placed.region, placed.name, mirrorMetrics(topology, stream, placed)),
      planned(placed.region, placed.name, mirrorMaker2(topology, stream, placed), {
        dependsOn: [clusterName],
      }),
      planned(placed.region, placed.name, mirrorEgress(topology, stream, placed)),
    );
  }
  return out;
}
