/**
 * MirrorMaker 2's metrics as topoplan's KafkaMirrorMaker2 exposes them (kafka-mirror.ts).
 *
 * MirrorSourceConnector's tasks register one MBean per replicated partition (Apache Kafka
 * `connect/mirror/.../MirrorSourceMetrics.java`; Kafka docs, "Geo-Replication" → "Monitoring
 * Geo-Replication", which still lists the MBean without the `source` key that KIP-911 added in
 * Kafka 3.5): `kafka.connect.mirror:type=MirrorSourceConnector,source=…,target=…,topic=…,partition=…`
 * with `record-count`, `byte-rate`, `record-age-ms(-min/-max/-avg)` and
 * `replication-latency-ms(-min/-max/-avg)`. The JMX exporter rule is Strimzi's example one
 * (strimzi/strimzi-kafka-operator `packaging/examples/metrics/kafka-mirror-maker-2-metrics.yaml`,
 * "kafka.connect:type=MirrorSourceConnector"), so the names are those of Strimzi's MM2 dashboard;
 * jmx_exporter turns the attribute's `-` into `_` (its safeName: every character outside
 * `[a-zA-Z0-9:_]` becomes `_`). Only this rule: nothing else of the Connect worker is read.
 */
import { selector } from "../compile/observability/promql.js";

/** jmx_exporter configuration of the MirrorMaker 2 pods (https://github.com/prometheus/jmx_exporter#configuration). */
export const MM2_JMX_EXPORTER_CONFIG = `lowercaseOutputName: true
lowercaseOutputLabelNames: true
rules:
# MirrorSourceConnector, per replicated partition (Strimzi's example rule).
- pattern: kafka.connect.mirror<type=MirrorSourceConnector, source=(.+), target=(.+), topic=(.+), partition=(.+)><>([a-z-_]+)
  name: kafka_connect_mirror_mirrorsourceconnector_$5
  labels:
    source: "$1"
    target: "$2"
    topic: "$3"
    partition: "$4"
  type: GAUGE
`;

/** Key of the configuration in its ConfigMap (as in Strimzi's example). */
export const MM2_JMX_EXPORTER_KEY = "metrics-config.yml";

/**
 * `replication-latency-ms-max`: the most time, ms, a record of the partition took from its
 * timestamp (the producer's, at the source) to MM2's produce being acknowledged by the target
 * (MirrorSourceTask.commitRecord), over Kafka's metric window (2 samples of 30 s). NaN while no
 * record was replicated in the window (Kafka's Max over no samples), so an idle mirror reads no
 * lag; the series exist from the task's start, and go when it stops (the task closes its metrics).
 */
export const MM2_REPLICATION_LATENCY_MAX =
  "kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms_max";

/** Every MM2 metric the indicators use, with its MBean in jmx_exporter's form; the engine tests run the rule over these. */
export const MM2_JMX_METRICS: readonly { readonly bean: string; readonly metric: string }[] = [
  {
    bean: "kafka.connect.mirror<type=MirrorSourceConnector, source=eu-west-1, target=us-east-1, topic=orders, partition=0><>replication-latency-ms-max",
    metric: MM2_REPLICATION_LATENCY_MAX,
  },
];

export const MM2_METRICS: readonly string[] = MM2_JMX_METRICS.map((m) => m.metric);

/**
 * The mirror's lag in a region where MirrorMaker 2 runs, seconds: the slowest replicated
 * partition's replication latency. Its series, for the no-data alert: gone means MM2 is down or
 * its source task failed, and the mirror no longer moves.
 */
export function mirrorLag(component: string): { readonly seconds: string; readonly series: string } {
  const series = `${MM2_REPLICATION_LATENCY_MAX}${selector(component)}`;
  return { seconds: `max(${series}) / 1000`, series };
}
