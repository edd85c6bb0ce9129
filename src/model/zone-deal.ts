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
 * Copies that cross zones when one of `count` members dealt over `zones` ({@link perZone}) sends
 * a record to every other, averaged over which member sends (Kafka balances partition leaders over
 * the brokers): count − Σ members per zone² / count. Three over three zones: 2; over two (2 + 1):
 * 4/3; in one zone: 0.
 */
export function crossZoneCopies(count: number, zones: readonly string[]): number {
  if (count <= 0) return 0;
  let sameZone = 0;
  for (const n of perZone(count, zones.length === 0 ? ["-"] : zones).values()) sameZone += n * n;
  return count - sameZone / count;
}

/**
 * A stream topoplan runs on the Kafka engine (Strimzi on Kubernetes): as many brokers as replicas,
 * each holding a replica of every partition (src/engines/kafka.ts node pools).
 */
export const onKafkaEngine = (stream: ResolvedStream): boolean =>
  stream.deploy.target === "kubernetes" && stream.deploy.engine === "kafka";
