/**
 * Sizes of the Kafka cluster topoplan compiles that the analysis prices too (src/analysis/cost.ts),
 * kept apart from the manifests (kafka.ts) so the analysis does not load them.
 */

/** A KRaft controller's volume: it keeps only the metadata log. Estimate, not a Strimzi default. */
export const CONTROLLER_STORAGE_GI = 20;
