/**
 * Kafka's metrics as topoplan's Strimzi clusters expose them.
 *
 * Broker and controller MBeans go through the Prometheus JMX exporter with the rules below: the
 * per-second-meter and gauge rules of Strimzi's example configuration
 * (strimzi/strimzi-kafka-operator `packaging/examples/metrics/kafka-metrics.yaml`, "Generic
 * per-second counters with 0-2 key/value pairs" and "Generic gauges with 0-2 key/value pairs",
 * RequestMetrics excluded as there), so the names are those of Strimzi's dashboards and alert
 * rules (`prometheus-kafka-rules.yaml`: kafka_server_replicamanager_underreplicatedpartitions,
 * kafka_controller_kafkacontroller_activecontrollercount, …). Consumer lag comes from Kafka
 * Exporter (danielqsj/kafka_exporter README, "Consumer Groups" and "Topics"), which Strimzi
 * deploys with `spec.kafkaExporter`. MirrorMaker 2's are in kafka-mirror-metrics.ts.
 */

import { MM2_METRICS } from "./kafka-mirror-metrics.js";

/** jmx_exporter configuration (https://github.com/prometheus/jmx_exporter#configuration). */
export const JMX_EXPORTER_CONFIG = `lowercaseOutputName: true
rules:
# Per-second meters as counters, with 0-2 key/value pairs (Strimzi's example rules).
- pattern: kafka.(\\w+)<type=(?!RequestMetrics)(.+), name=(.+)PerSec\\w*, (.+)=(.+), (.+)=(.+)><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
  labels:
    "$4": "$5"
    "$6": "$7"
- pattern: kafka.(\\w+)<type=(?!RequestMetrics)(.+), name=(.+)PerSec\\w*, (.+)=(.+)><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
  labels:
    "$4": "$5"
- pattern: kafka.(\\w+)<type=(?!RequestMetrics)(.+), name=(.+)PerSec\\w*><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
# Gauges with 0-2 key/value pairs (Strimzi's example rules).
- pattern: kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    "$4": "$5"
    "$6": "$7"
- pattern: kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    "$4": "$5"
- pattern: kafka.(\\w+)<type=(.+), name=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
`;

/** Key of the exporter configuration in its ConfigMap (as in Strimzi's example). */
export const JMX_EXPORTER_KEY = "kafka-metrics-config.yml";

/**
 * Every JMX-derived metric the indicators use, with the MBean it comes from in jmx_exporter's
 * `domain<key=value, …><>attribute` form (Kafka's MBean names: https://kafka.apache.org/documentation/#monitoring).
 * The engine tests run the rules above over these beans and expect exactly these names.
 */
export const KAFKA_JMX_METRICS: readonly { readonly bean: string; readonly metric: string }[] = [
  {
    bean: "kafka.server<type=BrokerTopicMetrics, name=TotalProduceRequestsPerSec, topic=orders><>Count",
    metric: "kafka_server_brokertopicmetrics_totalproducerequests_total",
  },
  {
    bean: "kafka.server<type=BrokerTopicMetrics, name=FailedProduceRequestsPerSec, topic=orders><>Count",
    metric: "kafka_server_brokertopicmetrics_failedproducerequests_total",
  },
  {
    bean: "kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count",
    metric: "kafka_server_brokertopicmetrics_messagesin_total",
  },
  {
    bean: "kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value",
    metric: "kafka_server_replicamanager_underreplicatedpartitions",
  },
  {
    bean: "kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value",
    metric: "kafka_controller_kafkacontroller_activecontrollercount",
  },
  {
    bean: "kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value",
    metric: "kafka_controller_kafkacontroller_offlinepartitionscount",
  },
];

/**
 * Kafka Exporter's metrics the indicators use (README): `kafka_consumergroup_lag` "Current
 * Approximate Lag of a ConsumerGroup at Topic/Partition" (in messages) and
 * `kafka_topic_partition_current_offset` "Current Offset of a Broker at Topic/Partition".
 */
export const KAFKA_EXPORTER_METRICS = [
  "kafka_consumergroup_lag",
  // Members of a group (Kafka Exporter, https://github.com/danielqsj/kafka_exporter#consumer-groups):
  // groups MirrorMaker 2 fills with offsets have none.
  "kafka_consumergroup_members",
  "kafka_topic_partition_current_offset",
] as const;

/** Every metric the indicators use: the brokers', Kafka Exporter's and MirrorMaker 2's. */
export const KAFKA_METRICS: readonly string[] = [
  ...KAFKA_JMX_METRICS.map((m) => m.metric),
  ...KAFKA_EXPORTER_METRICS,
  ...MM2_METRICS,
];
