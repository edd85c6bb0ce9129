import type { ResolvedStream } from "../../model/types.js";

/**
 * Where a stream's MSK clusters are and which of them take part in its mirroring
 * (`mirrorRegions`, compiled to MSK Replicators by msk-replicator.ts). Pure planning, no resources.
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

/** Regions with a cluster of the stream: its regions and its mirror regions, sorted. */
export function mskRegions(stream: ResolvedStream): string[] {
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
 * Oldest Kafka version both ends must run: identical topic names need 2.8.1 (the Replicator
 * itself 2.7.0, multi-VPC private connectivity 2.7.1); MSK developer guide, "Supported cluster
 * types and versions for MSK Replicator".
 */
export const REPLICATOR_MIN_KAFKA = "2.8.1";

/**
 * Whether an MSK Kafka version (`3.8.x`, `2.8.2.tiered`, `3.7.x.kraft`) is older than `minimum`;
 * `x` (MSK picks the patch) counts as the lowest patch. Undefined when it does not start with a
 * number.
 */
export function kafkaVersionBelow(version: string, minimum: string): boolean | undefined {
  const parts = (text: string) =>
    text
      .split(".")
      .slice(0, 3)
      .map((part) => (part === "x" ? 0 : /^\d+$/.test(part) ? Number(part) : Number.NaN));
  const have = parts(version);
  const need = parts(minimum);
  if (have.length === 0 || Number.isNaN(have[0])) return undefined;
  for (let i = 0; i < need.length; i++) {
    const a = Number.isNaN(have[i] ?? 0) ? 0 : (have[i] ?? 0);
    const b = need[i] ?? 0;
    if (a !== b) return a < b;
  }
  return false;
}
