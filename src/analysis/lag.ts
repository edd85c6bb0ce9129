import { PIPELINES, type Pipeline, type PipelineId } from "../catalog/data/replication.js";
import type { ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import type { DatastoreEvaluator } from "./datastores.js";
import type { GroupState } from "./replication/types.js";
import type { LinkLoad, ReplicationLag } from "./types.js";

/** How long an overloaded link's backlog is allowed to build before we quote a lag: one hour. */
export const OVERLOAD_HORIZON_MS = 3_600_000;

/**
 * The replication mechanism between regions: a managed service's own pipeline (DynamoDB global
 * tables, Aurora global storage replication, S3 CRR with or without RTC), else the engine shipping
 * its log. Table-driven: a new service adds a row, not a branch.
 */
const SERVICE_PIPELINES: Readonly<Record<string, (deploy: ResolvedDatastore["deploy"]) => PipelineId>> = {
  dynamodb: () => "dynamodb-global-tables",
  "aurora-postgresql": () => "aurora-global-storage",
  s3: (deploy) =>
    (deploy as { replicationTimeControl?: boolean }).replicationTimeControl === true
      ? "s3-crr-rtc"
      : "s3-crr",
};

export function pipelineOf(ds: Pick<ResolvedDatastore, "deploy">): Pipeline {
  const service = ds.deploy.target === "aws" ? ds.deploy.service : undefined;
  const id = (service === undefined ? undefined : SERVICE_PIPELINES[service]?.(ds.deploy)) ?? "log-shipping";
  return PIPELINES[id];
}

/** The share of items above each quoted quantile. */
const ABOVE = { p50: 0.5, p99: 0.01 } as const;

/**
 * The utilisation up to which no quoted quantile of a link's sojourn waits ({@link linkSojournMs}:
 * the q-quantile wait is 0 for ρ ≤ 1 − q): an item then takes its transfer alone, as on an idle link.
 */
export const NO_WAIT_UP_TO = Math.min(...Object.values(ABOVE));

/** The item size the analysis assumes when a datastore declares none (`traffic.itemBytes`). */
export const DEFAULT_ITEM_BYTES = 1024;

/**
 * One item's sojourn on a directed inter-region link with declared capacity, at a quantile, ms: its
 * own transfer τ = itemBytes·8 / capacity, plus its wait behind the link's other traffic, the
 * waiting time of an M/M/1 queue at utilisation ρ with mean service time τ: P(wait > t) =
 * ρ·e^(−(1−ρ)t/τ), so the q-quantile wait is τ/(1−ρ)·ln(ρ/(1−q)) when ρ > 1 − q, else 0 (the
 * FCFS waiting time of M/M/1: Kleinrock, Queueing Systems vol. 1, 1975). An item never crosses
 * faster than its own transfer. 0 without a declared capacity; Infinity at ρ ≥ 1 (the backlog
 * grows without bound).
 * What a shipped write takes: its lag, and a follower's acknowledgement (src/analysis/datastores.ts).
 */
export function linkSojournMs(
  itemBytes: number,
  link: Pick<LinkLoad, "capacityMbps" | "utilisation"> | undefined,
  quantile: keyof typeof ABOVE,
): number {
  if (link?.capacityMbps === undefined) return 0;
  const rho = link.utilisation ?? 0;
  if (rho >= 1) return Number.POSITIVE_INFINITY;
  const transferMs = itemTransferMs(itemBytes, link.capacityMbps);
  const above = ABOVE[quantile];
  const waitMs = rho > above ? (transferMs / (1 - rho)) * Math.log(rho / above) : 0;
  return transferMs + waitMs;
}

/** An item's transfer alone at a link's declared capacity (Mbit/s per direction), ms; 0 without one. */
export function itemTransferMs(itemBytes: number, capacityMbps: number | undefined): number {
  return capacityMbps === undefined ? 0 : ((itemBytes * 8) / (capacityMbps * 1e6)) * 1000;
}

/**
 * The load on each hop from `from` to `to` along `route` (one hop unless their link is cut:
 * NetworkView.route), `undefined` where a hop carries nothing.
 */
export function pathLoads<T>(
  links: Pick<ReadonlyMap<string, T>, "get">,
  route: (from: string, to: string) => readonly string[],
  from: string,
  to: string,
): (T | undefined)[] {
  const path = route(from, to);
  const hops: (T | undefined)[] = [];
  for (let i = 1; i < path.length; i++) hops.push(links.get(`${path[i - 1]}|${path[i]}`));
  return hops;
}

/**
 * One-way delay between two regions from their round trip, at p50 and p99. Ping measures the
 * round trip only; how it splits between the two directions is not measured, and the split of the
 * tail is the question: a queue or a retransmit holds up one direction, not both ("even when the
 * two paths are symmetric, they may have radically different performance characteristics due to
 * asymmetric queueing", RFC 7679 §1.1). The p50 is half the median round trip; the p99 is that
 * plus the round trip's whole p99 − p50 excess, as if it fell on this direction — an upper bound
 * (halving the p99 round trip assumes both directions stall together, the lower one).
 */
export function oneWayMs(rtt: { readonly p50Ms: number; readonly p99Ms: number }): {
  p50Ms: number;
  p99Ms: number;
} {
  const p50Ms = rtt.p50Ms / 2;
  const excess = rtt.p99Ms - rtt.p50Ms;
  // An unreachable pair (Infinity both ways) stays unreachable, not NaN.
  return { p50Ms, p99Ms: Number.isFinite(excess) ? p50Ms + Math.max(0, excess) : Number.POSITIVE_INFINITY };
}

/** {@link oneWayMs} from `from` to `to` on a network view. */
export const oneWayBetween = (
  net: { rtt(a: string, b: string): number; rtt99(a: string, b: string): number },
  from: string,
  to: string,
) => oneWayMs({ p50Ms: net.rtt(from, to), p99Ms: net.rtt99(from, to) });

/**
 * Asynchronous replication lag from a source to a replica region:
 *   lag = one-way delay ({@link oneWayMs}) + pipeline delay (the mechanism's own, src/catalog/data/replication.ts;
 *         for a managed service's published end-to-end figure, the larger of the two instead)
 *       + sojourn on the link ({@link linkSojournMs}): the item's transfer τ = itemBytes·8 / capacity
 *         plus its M/M/1 wait at utilisation ρ, whose q-quantile is τ/(1−ρ)·ln(ρ/(1−q)) above
 *         ρ = 1 − q and 0 below.
 * Without a declared capacity τ = ρ = 0. At ρ ≥ 1
 * the backlog grows without bound; we quote the lag after one hour of overload,
 * max(ρ−1, 0.01) × 1 h (the backlog drained at capacity). `hops` are the loads of the links the
 * item crosses ({@link pathLoads}): one, or each hop of a relay around a cut link, whose sojourns
 * add (each quantile summed: an upper bound on the path's quantile) and whose worst overload decides.
 */
export function linkLag(
  rtt: { readonly p50Ms: number; readonly p99Ms: number },
  itemBytes: number,
  hops: readonly (LinkLoad | undefined)[],
  pipeline: Pick<Pipeline, "p50Ms" | "p99Ms" | "endToEnd"> = { p50Ms: 0, p99Ms: 0 },
): { p50Ms: number; p99Ms: number; unbounded: boolean } {
  const oneWay = oneWayMs(rtt);
  // A managed service's figure already holds the network: counting it again overstated the lag.
  const along = (network: number, own: number) =>
    pipeline.endToEnd === true ? Math.max(network, own) : network + own;
  let p50 = along(oneWay.p50Ms, pipeline.p50Ms);
  let p99 = along(oneWay.p99Ms, pipeline.p99Ms);
  let overload: number | undefined;
  for (const link of hops) {
    const rho = link?.utilisation ?? 0;
    if (link?.capacityMbps === undefined) continue;
    if (rho >= 1) overload = Math.max(overload ?? 0, Math.max(rho - 1, 0.01));
    else {
      p50 += linkSojournMs(itemBytes, link, "p50");
      p99 += linkSojournMs(itemBytes, link, "p99");
    }
  }
  if (overload === undefined) return { p50Ms: p50, p99Ms: p99, unbounded: false };
  const backlog = overload * OVERLOAD_HORIZON_MS;
  return { p50Ms: p50 + backlog, p99Ms: p99 + backlog, unbounded: true };
}

/** A live replica cut off from its write source by a network partition: it falls behind for as long
 * as the partition lasts — unbounded; quoted, like an overloaded link, after one hour. */
const PARTITIONED: Omit<ReplicationLag, "region"> = {
  p50Ms: OVERLOAD_HORIZON_MS,
  p99Ms: OVERLOAD_HORIZON_MS,
  unbounded: true,
};

/**
 * Where writes enter: the behaviour's sources, or, for a store without a leader where no demand
 * says (no users declared), every live write region — it writes wherever its clients are, and its
 * RPO is the lag of any of them (read 0, with no lag at all, before).
 */
function sourcesOrWriteRegions(ev: DatastoreEvaluator, state: GroupState): readonly { region: string }[] {
  const sources = ev.sources(state);
  if (sources.length > 0 || ev.behaviour.leaderBased) return sources;
  return ev.ds.writeRegions
    .filter((region) => state.alive.some((slot) => slot.region === region))
    .map((region) => ({ region }));
}

/** Lag to every region holding a live data replica, from every write source; the worst per region. */
export function datastoreLags(
  ev: DatastoreEvaluator,
  links: ReadonlyMap<string, LinkLoad>,
): ReplicationLag[] {
  const itemBytes = ev.ds.traffic?.itemBytes ?? DEFAULT_ITEM_BYTES;
  const pipeline = pipelineOf(ev.ds);
  const byRegion = new Map<string, ReplicationLag>();
  const keep = (lag: ReplicationLag) => {
    const previous = byRegion.get(lag.region);
    if (previous === undefined || lag.p99Ms > previous.p99Ms) byRegion.set(lag.region, lag);
  };
  for (const state of ev.states) {
    const { net } = state;
    const counts = new Map<string, number>();
    // Witnesses hold no readable data: nothing to lag behind.
    for (const slot of state.alive)
      if (slot.role !== "witness") counts.set(slot.region, (counts.get(slot.region) ?? 0) + 1);
    for (const source of sourcesOrWriteRegions(ev, state)) {
      for (const [region, count] of counts) {
        // The source's own replica has no lag; its region's other replicas are cross-zone.
        if (region === source.region && count < 2) continue;
        if (!net.connected(source.region, region)) {
          keep({ region, ...PARTITIONED });
          continue;
        }
        const lag = linkLag(
          { p50Ms: net.rtt(source.region, region), p99Ms: net.rtt99(source.region, region) },
          itemBytes,
          pathLoads(links, net.route, source.region, region),
          region === source.region ? undefined : pipeline,
        );
        keep({ region, ...lag });
      }
    }
  }
  return [...byRegion.values()].sort((a, b) => byText(a.region, b.region));
}
