import type { DatastoreEvaluator } from "./datastores.js";
import type { LinkLoad, ReplicationLag } from "./types.js";

/** How long an overloaded link's backlog is allowed to build before we quote a lag: one hour. */
export const OVERLOAD_HORIZON_MS = 3_600_000;

/**
 * Asynchronous replication lag from `from` to `to` for items of `itemBytes`:
 *   lag = RTT/2 (one way) + sojourn on the link, the link an M/M/1 queue with service time
 *   τ = itemBytes·8 / capacity and utilisation ρ: sojourn ~ Exp(mean τ/(1−ρ)), so its median is
 *   ln 2·τ/(1−ρ) and its p99 ln 100·τ/(1−ρ). The one-way part's p99 is RTT/2 × tailFactor.
 * Without a declared capacity τ = ρ = 0. At ρ ≥ 1 the backlog grows without bound; we quote the
 * lag after one hour of overload, max(ρ−1, 0.01) × 1 h (the backlog drained at capacity).
 */
export function linkLag(
  rttMs: number,
  itemBytes: number,
  link: LinkLoad | undefined,
  tailFactor: number,
): { p50Ms: number; p99Ms: number; unbounded: boolean } {
  const oneWay = rttMs / 2;
  const capacity = link?.capacityMbps;
  const rho = link?.utilisation ?? 0;
  if (capacity === undefined) return { p50Ms: oneWay, p99Ms: oneWay * tailFactor, unbounded: false };
  if (rho >= 1) {
    const backlog = Math.max(rho - 1, 0.01) * OVERLOAD_HORIZON_MS;
    return { p50Ms: oneWay + backlog, p99Ms: oneWay * tailFactor + backlog, unbounded: true };
  }
  const serviceMs = ((itemBytes * 8) / (capacity * 1e6)) * 1000;
  const mean = serviceMs / (1 - rho);
  return {
    p50Ms: oneWay + Math.LN2 * mean,
    p99Ms: oneWay * tailFactor + Math.log(100) * mean,
    unbounded: false,
  };
}

/** Lag to every region holding a live replica, from every write source; the worst per region. */
export function datastoreLags(
  ev: DatastoreEvaluator,
  links: ReadonlyMap<string, LinkLoad>,
): ReplicationLag[] {
  const itemBytes = ev.ds.traffic?.itemBytes ?? 1024;
  const byRegion = new Map<string, ReplicationLag>();
  for (const state of ev.states) {
    const { net } = state;
    const counts = new Map<string, number>();
    for (const slot of state.alive) counts.set(slot.region, (counts.get(slot.region) ?? 0) + 1);
    for (const source of ev.sources(state)) {
      for (const [region, count] of counts) {
        // The source's own replica has no lag; its region's other replicas are cross-zone.
        if (region === source.region && count < 2) continue;
        if (!net.connected(source.region, region)) continue;
        const lag = linkLag(
          net.rtt(source.region, region),
          itemBytes,
          links.get(`${source.region}|${region}`),
          net.tailFactor,
        );
        const previous = byRegion.get(region);
        if (previous === undefined || lag.p99Ms > previous.p99Ms) byRegion.set(region, { region, ...lag });
      }
    }
  }
  return [...byRegion.values()].sort((a, b) => a.region.localeCompare(b.region));
}
