/**
 * Sizes of the Kafka cluster topoplan compiles that the analysis prices too (src/analysis/cost.ts),
 * kept apart from the manifests (kafka.ts) so the analysis does not load them.
 */

/** A KRaft controller's volume: it keeps only the metadata log. Estimate, not a Strimzi default. */
export const CONTROLLER_STORAGE_GI = 20;

/**
 * The MirrorMaker 2 worker of a target region (kafka-mirror.ts): one Kafka Connect pod running a
 * source task per partition. Requests, so it is not BestEffort (the first pod a node under memory
 * pressure evicts), and a memory limit, which Strimzi sizes the Connect JVM's heap from when
 * `jvmOptions` sets none. Estimate: Strimzi sets no resources.
 */
export const MIRROR_MAKER_RESOURCES = { cpu: "1", memory: "2Gi" } as const;
