import type { ReplicaSlot, UserOrigin } from "../../model/types.js";
import { byText } from "../../order.js";
import type { NetworkView } from "../network.js";
import type { GroupState, WriteSource } from "./types.js";

/** Votes in quorums: voters and witnesses (read-only replicas never vote). */
export const votes = (slot: ReplicaSlot): boolean => slot.role !== "readOnly";
/** Holds readable data: voters and read-only replicas (witnesses hold none). */
export const holdsData = (slot: ReplicaSlot): boolean => slot.role !== "witness";
/** May lead: voters only. */
export const mayLead = (slot: ReplicaSlot): boolean => slot.role === undefined || slot.role === "voter";
/**
 * May be promoted to a primary-replica store's primary: a voter, or on AWS (Aurora, whose every
 * reader is a failover target by its promotion tier) a read-only replica too.
 */
export const promotableIn = (ds: { readonly deploy: { readonly target: string } }) =>
  ds.deploy.target === "aws" ? holdsData : mayLead;

/** The k-th smallest value (1-based), or undefined when there are fewer than k. */
export function kthSmallest(values: readonly number[], k: number): number | undefined {
  if (k < 1 || k > values.length) return undefined;
  return [...values].sort((a, b) => a - b)[k - 1];
}

/** Alive replicas reachable from `region` (same side of any network partition). */
export function reachableFrom(state: GroupState, region: string): ReplicaSlot[] {
  return state.alive.filter((slot) => state.net.connected(region, slot.region));
}

/** The nearest of `regions` from `origin` (ties by code), with its RTT. */
export function nearest(
  origin: string,
  regions: Iterable<string>,
  net: NetworkView,
): { region: string; rttMs: number } | undefined {
  let best: { region: string; rttMs: number } | undefined;
  for (const region of regions) {
    const rtt = net.rtt(origin, region);
    if (!Number.isFinite(rtt)) continue;
    if (best === undefined || rtt < best.rttMs || (rtt === best.rttMs && region < best.region))
      best = { region, rttMs: rtt };
  }
  return best;
}

/** The nearest of `regions` that `origin` can reach (no partition between them), with its RTT. */
export function nearestReachable(
  origin: string,
  regions: readonly string[],
  net: NetworkView,
): { region: string; rttMs: number } | undefined {
  return nearest(
    origin,
    regions.filter((region) => net.connected(origin, region)),
    net,
  );
}

/**
 * Time until `needed` replicas (the one at `from` included, at 0 ms) hold a write sent from a node
 * in region `from`: the (needed − 1)-th smallest RTT to the other replicas. Replicas in the same
 * region count as cross-zone. Undefined when fewer than `needed` replicas are available.
 */
export function quorumWait(
  from: string,
  replicas: readonly ReplicaSlot[],
  needed: number,
  net: NetworkView,
  selfIsReplica: boolean,
  /** Added per replica in another region (the shipped item's sojourn, GroupState.shipDelay). */
  delay: (from: string, to: string) => number = () => 0,
): number | undefined {
  // A replica behind a saturated link (delay Infinity) never acknowledges in time: finite() below
  // leaves it out, so the quorum completes with the next replica or not at all.
  const rtts = replicas.map(
    (slot) => net.rtt(from, slot.region) + (slot.region === from ? 0 : delay(from, slot.region)),
  );
  if (selfIsReplica) {
    const self = replicas.findIndex((slot) => slot.region === from);
    if (self < 0) return undefined;
    rtts.splice(self, 1);
    if (needed <= 1) return 0;
    return finite(kthSmallest(rtts, needed - 1));
  }
  return finite(kthSmallest(rtts, needed));
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);

/**
 * A client's round trip from `origin` to a node in `region` carrying one item: the RTT plus the
 * item's transfer on the link it crosses (GroupState.transfer) — origin → region for a write,
 * region → origin for a read's reply; nothing inside a region.
 */
export function clientRoundTrip(
  state: GroupState,
  origin: string,
  region: string,
  op: "read" | "write",
  rttMs: number = state.net.rtt(origin, region),
): number {
  if (region === origin) return rttMs;
  return rttMs + (op === "write" ? state.transfer(origin, region) : state.transfer(region, origin));
}

/** The nearest of `regions` from `origin` (as {@link nearest}), reached by a client carrying one item. */
export function nearestRoundTrip(
  state: GroupState,
  origin: string,
  regions: Iterable<string>,
  op: "read" | "write",
): number | undefined {
  const target = nearest(origin, regions, state.net);
  return target === undefined ? undefined : clientRoundTrip(state, origin, target.region, op, target.rttMs);
}

/** Each user origin's share, assigned to its nearest region among `regions` (reachable, alive). */
export function sharesByNearest(
  users: readonly UserOrigin[],
  regionsFor: (origin: string) => readonly string[],
  net: NetworkView,
  /** Where writes enter when no demand is declared (no users, no callers): each alike. */
  undeclared: readonly string[] = [],
): WriteSource[] {
  if (users.length === 0) {
    const regions = [...new Set(undeclared)].sort(byText);
    return regions.map((region) => ({ region, share: 1 / regions.length }));
  }
  const shares = new Map<string, number>();
  for (const user of users) {
    const target = nearest(user.region, regionsFor(user.region), net);
    if (target) shares.set(target.region, (shares.get(target.region) ?? 0) + user.share);
  }
  return [...shares].map(([region, share]) => ({ region, share })).sort((a, b) => byText(a.region, b.region));
}

export const uniqueRegions = (slots: readonly ReplicaSlot[]): string[] =>
  [...new Set(slots.map((slot) => slot.region))].sort();
