import { PIPELINES, type Pipeline, type PipelineId } from "../catalog/data/replication.js";
import type { ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import type { DatastoreEvaluator } from "./datastores.js";
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

/**
 * Asynchronous replication lag from a source to a replica region:
 *   lag = RTT/2 (one way) + pipeline delay (the mechanism's own, src/catalog/data/replication.ts)
 *       + sojourn on the link, an M/M/1 queue with service time τ = itemBytes·8 / capacity and
 *         utilisation ρ: sojourn ~ Exp(mean τ/(1−ρ)), median ln 2·τ/(1−ρ), p99 ln 100·τ/(1−ρ).
 * The one-way part's p99 is half the pair's p99 RTT. Without a declared capacity τ = ρ = 0. At ρ ≥ 1
 * the backlog grows without bound; we quote the lag after one hour of overload,
 * max(ρ−1, 0.01) × 1 h (the backlog drained at capacity).
 */
export function linkLag(
  rtt: { readonly p50Ms: number; readonly p99Ms: number },
  itemBytes: number,
  link: LinkLoad | undefined,
  pipeline: Pick<Pipeline, "p50Ms" | "p99Ms"> = { p50Ms: 0, p99Ms: 0 },
): { p50Ms: number; p99Ms: number; unbounded: boolean } {
  const p50 = rtt.p50Ms / 2 + pipeline.p50Ms;
  const p99 = rtt.p99Ms / 2 + pipeline.p99Ms;
  const capacity = link?.capacityMbps;
  const rho = link?.utilisation ?? 0;
  if (capacity === undefined) return { p50Ms: p50, p99Ms: p99, unbounded: false };
  if (rho >= 1) {
    const backlog = Math.max(rho - 1, 0.01) * OVERLOAD_HORIZON_MS;
    return { p50Ms: p50 + backlog, p99Ms: p99 + backlog, unbounded: true };
  }
  const serviceMs = ((itemBytes * 8) / (capacity * 1e6)) * 1000;
  const mean = serviceMs / (1 - rho);
  return { p50Ms: p50 + Math.LN2 * mean, p99Ms: p99 + Math.log(100) * mean, unbounded: false };
}

/** A live replica cut off from its write source by a network partition: it falls behind for as long
 * as the partition lasts — unbounded; quoted, like an overloaded link, after one hour. */
const PARTITIONED: Omit<ReplicationLag, "region"> = {
  p50Ms: OVERLOAD_HORIZON_MS,
  p99Ms: OVERLOAD_HORIZON_MS,
  unbounded: true,
};

/** Lag to every region holding a live data replica, from every write source; the worst per region. */
export function datastoreLags(
  ev: DatastoreEvaluator,
  links: ReadonlyMap<string, LinkLoad>,
): ReplicationLag[] {
  const itemBytes = ev.ds.traffic?.itemBytes ?? 1024;
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
    for (const source of ev.sources(state)) {
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
          links.get(`${source.region}|${region}`),
          region === source.region ? undefined : pipeline,
        );
        keep({ region, ...lag });
      }
    }
  }
  return [...byRegion.values()].sort((a, b) => byText(a.region, b.region));
}
