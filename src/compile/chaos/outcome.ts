/**
 * Expected outcome of each experiment, written on it as an annotation so whoever watches the run
 * knows what "passed" looks like. Quorum arithmetic comes from the model; `latencyPredictor`
 * adds the write latency the analysis predicts under the failure.
 */
import { analysisIndex } from "../../analysis/analysis-index.js";
import type { Analysis, Failure } from "../../analysis/types.js";
import { writeLatencyUnder } from "../../analysis/whatif.js";
import type { Model, ResolvedDatastore, ResolvedStream } from "../../model/types.js";

/**
 * The write latency a datastore's experiment predicts: baseline → under the isolated domain. Only
 * the datastore itself is evaluated per failure (not the whole topology), so compiling every
 * component's experiments stays linear in their number.
 */
export function latencyPredictor(model: Model, baseline: Analysis | undefined) {
  const writeUnder = writeLatencyUnder(model, baseline?.links);
  return (store: ResolvedDatastore, failure: Failure): string => {
    const before =
      baseline === undefined
        ? writeUnder(store.name, [])
        : analysisIndex(baseline).datastore(store.name)?.write;
    const after = writeUnder(store.name, [failure]);
    if (before === undefined || after === undefined) return "";
    const unavailable = after.byOrigin.every((o) => o.unavailable === true);
    return unavailable
      ? `; writes unavailable (baseline p99 write ${ms(before.worstP99Ms)} ms)`
      : `; p99 write ${ms(before.worstP99Ms)} ms → ${ms(after.worstP99Ms)} ms`;
  };
}

function ms(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Replicas of the worst placement group that sit in `zone` of `region`. */
export function replicasInZone(store: ResolvedDatastore, region: string, zone: string): number {
  let worst = 0;
  for (const group of store.groups) {
    const here = group.replicas.filter((slot) => slot.region === region && slot.zone === zone).length;
    worst = Math.max(worst, here);
  }
  return worst;
}

/** Zones of `region` that hold at least one replica of any placement group, sorted. */
export function datastoreZones(store: ResolvedDatastore, region: string): string[] {
  const zones = new Set<string>();
  for (const group of store.groups)
    for (const slot of group.replicas) if (slot.region === region) zones.add(slot.zone);
  return [...zones].sort();
}

/** Outcome of cutting `lost` replicas (of every partition's worst group) off the rest. */
export function datastoreOutcome(store: ResolvedDatastore, lost: number, leaderCut: boolean): string {
  const left = store.replicas - lost;
  const quorum = store.quorum.write;
  const counts = `${left} of ${store.replicas} replicas remain (quorum ${quorum})`;
  if (left >= quorum) {
    const leader = leaderCut
      ? "; leaders on the isolated side step down and are re-elected on the majority side"
      : "";
    return `quorum holds: ${counts}; writes continue${leader}`;
  }
  return `quorum lost: ${counts}; writes to affected partitions stop until the partition heals`;
}

/** Brokers a rack-aware assignment puts in one zone: replicas spread evenly over the region's zones. */
export function streamReplicasPerZone(stream: ResolvedStream, region: string): number {
  const zones = stream.zones[region]?.length ?? 1;
  return Math.ceil(stream.replicas / Math.max(1, zones));
}

export function streamZoneOutcome(stream: ResolvedStream, region: string): string {
  const left = stream.replicas - streamReplicasPerZone(stream, region);
  const counts = `${left} of ${stream.replicas} replicas of each partition remain (min.insync.replicas ${stream.minInSync})`;
  return left >= stream.minInSync
    ? `in-sync replicas hold: ${counts}; acks=all produces continue`
    : `below min.insync.replicas: ${counts}; acks=all produces fail until the zone returns`;
}

export function streamRegionOutcome(stream: ResolvedStream, region: string): string {
  return `${region}'s cluster keeps serving its local producers and consumers; replication of ${stream.name} between ${region} and the other regions pauses and catches up after the partition heals`;
}
