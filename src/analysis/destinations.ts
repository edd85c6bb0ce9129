import { servedByLeader } from "../model/placement.js";
import type { Model, ResolvedDatastore, ResolvedStream } from "../model/types.js";
import { baselineNetworkView } from "./network.js";
import { nearestReachable } from "./replication/common.js";

/**
 * The regions where a store's reads can be answered: those with a replica holding data (a region
 * of witnesses only holds none), every replica region for a leaderless store (any of them
 * coordinates a read).
 */
export function dataRegions(store: ResolvedDatastore): readonly string[] {
  return store.replication === "leaderless"
    ? store.regions
    : store.placement.filter((p) => p.replicas > p.witnesses).map((p) => p.region);
}

/** The nearest of `regions` to `origin`, undefined when none is reachable. */
export type Nearest = (origin: string, regions: readonly string[]) => string | undefined;

/** {@link Nearest} on the model's network without failures (ties to the region that sorts first). */
export function baselineNearest(model: Model): Nearest {
  const net = baselineNetworkView(model);
  return (origin, regions) => nearestReachable(origin, regions, net)?.region;
}

/**
 * Where the analysis serves a call with `op` from `origin` to `store` (docs/model.md, read and
 * write latency): a write at the nearest region that takes writes, a read the leader serves
 * (servedByLeader: strong, or an engine whose clients read through the primary) at the leader,
 * any other read at the nearest region holding data. The diagram draws calls there, and the AWS
 * endpoints a pod gets point there (src/compile/aws/reach.ts).
 */
export function storeDestination(
  store: ResolvedDatastore,
  op: string,
  origin: string,
  nearest: Nearest,
  regionsWithData: readonly string[] = dataRegions(store),
): string | undefined {
  if (op === "write") return nearest(origin, store.writeRegions);
  if (servedByLeader(store, op)) return store.leader;
  return nearest(origin, regionsWithData);
}

/**
 * The cluster a stream client in `origin` produces to ("write") or consumes from ("read"), as the
 * analysis routes it (streams.ts): a consumer reads its region's cluster, a mirror region's too
 * (its topic holds every source's records); anything else goes to the nearest of the stream's
 * regions, the clusters that take produces.
 */
export function streamDestination(
  stream: ResolvedStream,
  op: "read" | "write",
  origin: string,
  nearest: Nearest,
): string | undefined {
  if (op === "read" && stream.mirrorRegions.includes(origin)) return origin;
  return nearest(origin, stream.regions);
}

/**
 * The cluster a pod of a stream's client in `region` uses, as its compiled bootstrap points (no
 * failure): on Kubernetes its region's cluster (a stream region's or a mirror region's; elsewhere
 * none resolves, which cluster-reach reports), on MSK {@link streamDestination}'s; none for a
 * stream topoplan does not run. A client topoplan does not deploy on Kubernetes (`client`) has no
 * compiled bootstrap: as the analysis routes it, {@link streamDestination}'s.
 */
export function clientCluster(
  model: Model,
  stream: ResolvedStream,
  region: string,
  op: "read" | "write",
  client?: { readonly deploy: { readonly target: string } },
): string | undefined {
  const onKubernetes = client === undefined || client.deploy.target === "kubernetes";
  if (stream.deploy.target === "kubernetes" && onKubernetes)
    return stream.regions.includes(region) || stream.mirrorRegions.includes(region) ? region : undefined;
  if (stream.deploy.target === "external") return undefined;
  return streamDestination(stream, op, region, baselineNearest(model));
}

/**
 * Whether consumers reading `cluster` get the records produced into `source`'s: its own; a
 * mirror's copy where it lands in what they read — every copy on MSK (the Replicator keeps the
 * topic's name), on Kubernetes in a mirror-only region (the stream there), not in a stream region,
 * where MirrorMaker 2 writes `<source>.<stream>`, kept for failing over (docs/engines.md).
 */
export function holdsRecordsOf(stream: ResolvedStream, cluster: string, source: string): boolean {
  if (cluster === source) return true;
  // A (stream region → other mirror region) pair, as mirrorPairs makes them.
  if (!stream.regions.includes(source) || !stream.mirrorRegions.includes(cluster)) return false;
  return stream.deploy.target !== "kubernetes" || !stream.regions.includes(cluster);
}
