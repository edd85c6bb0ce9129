import type { Catalog } from "../catalog/catalog.js";
import type { ResolvedStream } from "./types.js";

/**
 * Where a stream's clusters are and which of them take part in its mirroring (`mirrorRegions`),
 * and how many brokers an MSK cluster has: pure planning the compilers build (src/compile/aws/msk.ts,
 * msk-replicator.ts; Kafka on Kubernetes: src/engines/kafka-mirror.ts, compile/kubernetes/placements.ts)
 * and the analysis prices (src/analysis/cost.ts), so they count the same clusters and brokers.
 */

/** One MSK Replicator: `source`'s records copied to `target`'s cluster. */
export interface MirrorPair {
  readonly source: string;
  readonly target: string;
}

/**
 * Every stream region's records go to every other mirror region, as the analysis counts them
 * (streamFlows: each live cluster's records cross once to each mirror region): one pair each.
 */
export function mirrorPairs(stream: ResolvedStream): MirrorPair[] {
  return stream.regions.flatMap((source) =>
    stream.mirrorRegions.filter((target) => target !== source).map((target) => ({ source, target })),
  );
}

/** Whether `region` holds only a mirror of the stream: one of its `mirrorRegions` outside its `regions`. */
export function isMirrorOnly(stream: ResolvedStream, region: string): boolean {
  return stream.mirrorRegions.includes(region) && !stream.regions.includes(region);
}

/** The regions whose records are mirrored into `target`, sorted. */
export function sourcesOf(stream: ResolvedStream, target: string): string[] {
  return mirrorPairs(stream)
    .filter((pair) => pair.target === target)
    .map((pair) => pair.source)
    .sort();
}

/** Regions with a cluster of the stream: its regions and its mirror regions, sorted. */
export function streamClusterRegions(stream: ResolvedStream): string[] {
  return [...new Set([...stream.regions, ...stream.mirrorRegions])].sort();
}

/** Whether the cluster in `region` is read by a Replicator (source) or written by one (target). */
export function mirrorRole(stream: ResolvedStream, region: string): { source: boolean; target: boolean } {
  const pairs = mirrorPairs(stream);
  return {
    source: pairs.some((pair) => pair.source === region),
    target: pairs.some((pair) => pair.target === region),
  };
}

/**
 * Brokers MSK Replicator needs in a provisioned source or target cluster: "a minimum of three
 * brokers", "a minimum of four brokers" across two zones (MSK developer guide, "Supported cluster
 * types and versions for MSK Replicator").
 */
export function replicatorMinimumBrokers(zoneCount: number): number {
  return zoneCount === 2 ? 4 : 3;
}

/**
 * Brokers for `replicas` over `zoneCount` zones: a multiple of the zone count (MSK spreads brokers
 * evenly over the cluster's zones), at least the replication factor and, for a mirrored cluster,
 * at least MSK Replicator's minimum.
 */
export function brokerCount(zoneCount: number, replicas: number, mirrored: boolean): number {
  const needed = mirrored ? Math.max(replicas, replicatorMinimumBrokers(zoneCount)) : replicas;
  return zoneCount * Math.max(1, Math.ceil(needed / zoneCount));
}

/**
 * The (up to) three zones of the stream's cluster in `region`: the stream's zones there, or for a
 * region that holds only a mirror the catalog's, as many as an account may use (the model lists a
 * mirror region's zones too, for the Kubernetes target, but without that limit).
 */
export function mskClusterZones(catalog: Catalog, stream: ResolvedStream, region: string): readonly string[] {
  if (stream.regions.includes(region)) return (stream.zones[region] ?? []).slice(0, 3);
  const known = catalog.regions.get(region);
  return (known?.zones ?? []).slice(0, known?.accountZoneLimit ?? Number.POSITIVE_INFINITY).slice(0, 3);
}

/**
 * Brokers per cluster of the stream, from the catalog's zones (a deployment into existing subnets
 * has as many zones as subnets configured: `topoplan:network`, which only the compiler reads).
 */
export function mskBrokers(catalog: Catalog, stream: ResolvedStream): { region: string; brokers: number }[] {
  return streamClusterRegions(stream).map((region) => {
    const role = mirrorRole(stream, region);
    const zones = mskClusterZones(catalog, stream, region).length;
    return { region, brokers: brokerCount(zones, stream.replicas, role.source || role.target) };
  });
}
