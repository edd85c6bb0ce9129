/**
 * What a stream does while one zone of a region, or the region, is partitioned away. Each region
 * runs its own cluster (brokers replicate within the region). On the Kafka engine the layout is
 * known exactly (src/engines/kafka.ts): as many brokers as replicas and three KRaft controllers,
 * each dealt round-robin over the region's sorted zones — so every partition has a replica on
 * every broker, and a zone holding two of the three controllers takes the metadata quorum with it.
 * Without an engine, a rack-aware assignment puts at most ⌈replicas / zones⌉ replicas of a
 * partition in one zone (https://kafka.apache.org/documentation/#basic_ops_racks).
 */
import { CONTROLLERS } from "../../engines/kafka.js";
import type { ResolvedStream } from "../../model/types.js";
import { onKafkaEngine, perZone } from "../../model/zone-deal.js";

/** Replicas of a partition in `zone` (exact on the Kafka engine, the worst partition otherwise). */
export function streamReplicasInZone(stream: ResolvedStream, region: string, zone: string): number {
  const zones = stream.zones[region] ?? [];
  if (onKafkaEngine(stream)) return perZone(stream.replicas, zones).get(zone) ?? 0;
  return Math.ceil(stream.replicas / Math.max(1, zones.length));
}

/** Whether the zone holds brokers or (on the Kafka engine) controllers: else there is nothing to cut. */
export function streamZoneHoldsMembers(stream: ResolvedStream, region: string, zone: string): boolean {
  if (streamReplicasInZone(stream, region, zone) > 0) return true;
  return onKafkaEngine(stream) && (perZone(CONTROLLERS, stream.zones[region] ?? []).get(zone) ?? 0) > 0;
}

export function streamZoneOutcome(stream: ResolvedStream, region: string, zone: string): string {
  const left = stream.replicas - streamReplicasInZone(stream, region, zone);
  const counts = `${left} of ${stream.replicas} replicas of each partition remain (min.insync.replicas ${stream.minInSync})`;
  if (onKafkaEngine(stream)) {
    const controllersLeft = CONTROLLERS - (perZone(CONTROLLERS, stream.zones[region] ?? []).get(zone) ?? 0);
    // Without a controller quorum no leader is re-elected and no ISR shrinks (KIP-500 / KRaft):
    // partitions led in the zone stop, and acks=all waits on the cut followers of the others.
    if (controllersLeft < Math.floor(CONTROLLERS / 2) + 1)
      return `KRaft quorum lost: ${controllersLeft} of ${CONTROLLERS} controllers remain outside ${zone}, so no leader is re-elected and no ISR shrinks; acks=all produces to partitions with a replica in ${zone} fail until the zone returns (${counts})`;
  }
  return left >= stream.minInSync
    ? `in-sync replicas hold: ${counts}; acks=all produces continue once the isolated replicas leave the ISR (replica.lag.time.max.ms, 30 s by default) and leaders in ${zone} are replaced`
    : `below min.insync.replicas: ${counts}; acks=all produces fail until the zone returns`;
}

export function streamRegionOutcome(stream: ResolvedStream, region: string): string {
  // A region holding only the mirror: its consumers read on, MirrorMaker 2 there reads no source.
  if (!stream.regions.includes(region))
    return `${region}'s mirror cluster keeps all ${stream.replicas} replicas of its partitions and keeps serving consumers in ${region}; MirrorMaker 2 there cannot read ${stream.regions.join(", ")} until the partition heals, so the mirror falls behind by the time cut off and catches up after`;
  const mirrors = stream.mirrorRegions.filter((r) => r !== region);
  const mirroring =
    mirrors.length === 0
      ? ""
      : `; MirrorMaker 2 stops mirroring across the cut (${mirrors.join(", ")}) until it heals, and the mirrors fall behind`;
  return `${region}'s cluster keeps all ${stream.replicas} replicas of its partitions and keeps serving producers and consumers in ${region}; clients in other regions that use it fail until the partition heals${mirroring}`;
}
