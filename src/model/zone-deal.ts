import type { ResolvedStream } from "./types.js";

/**
 * `count` members dealt round-robin over the sorted zones: member i in zone i mod |zones|. How
 * topoplan's engines place the pods they run (Kafka's brokers and controllers, a datastore's
 * members), so the analysis and the chaos outcomes read the same layout the compile writes.
 */
export function perZone(count: number, zones: readonly string[]): Map<string, number> {
  const sorted = [...zones].sort();
  const out = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const zone = sorted[i % sorted.length];
    if (zone !== undefined) out.set(zone, (out.get(zone) ?? 0) + 1);
  }
  return out;
}

/**
 * A stream topoplan runs on the Kafka engine (Strimzi on Kubernetes): as many brokers as replicas,
 * each holding a replica of every partition (src/engines/kafka.ts node pools).
 */
export const onKafkaEngine = (stream: ResolvedStream): boolean =>
  stream.deploy.target === "kubernetes" && stream.deploy.engine === "kafka";
