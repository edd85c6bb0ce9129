import type { PlacementGroup, ReplicaSlot, UserOrigin } from "../model/types.js";
import { byText } from "../order.js";
import type { NetworkView } from "./network.js";
import { mayLead } from "./replication/common.js";
import type { Requirement } from "./replication/types.js";

/** Demand-weighted RTT from the users to a region (lower is nearer). */
export function userDistance(region: string, users: readonly UserOrigin[], net: NetworkView): number {
  let sum = 0;
  for (const user of users) {
    const rtt = net.rtt(user.region, region);
    sum += user.share * (Number.isFinite(rtt) ? rtt : 1e6);
  }
  return sum;
}

/** Alive replicas counted by `req`, grouped by the side of the network they are on. */
function sidesOf(alive: readonly ReplicaSlot[], req: Requirement, net: NetworkView) {
  const sides = new Map<number, ReplicaSlot[]>();
  for (const slot of alive) {
    if (!req.counts(slot)) continue;
    const side = net.side(slot.region);
    sides.set(side, [...(sides.get(side) ?? []), slot]);
  }
  return [...sides.values()].sort((a, b) => b.length - a.length || byText(a[0]!.region, b[0]!.region));
}

/**
 * The side of a network partition that keeps serving: the one with the most counted replicas
 * (only it can hold a majority). Its slots, or [] when nothing is alive.
 */
export function servingSide(
  alive: readonly ReplicaSlot[],
  req: Requirement,
  net: NetworkView,
): ReplicaSlot[] {
  return sidesOf(alive, req, net)[0] ?? [];
}

/**
 * Where an election may put the leader. `only`: the regions the engine elects in at all
 * (CloudNativePG fails over inside the primary's region); undefined: any region with a voter.
 * `preferred`: the declared `leaderRegions`, tried first. They are a preference, as the systems
 * they stand for treat them: CockroachDB places a lease outside its `lease_preferences` when no
 * preferred store can take it, and Spanner elects a leader in another read-write region when the
 * default leader region is lost.
 */
export interface LeaderRegions {
  readonly only?: readonly string[] | undefined;
  readonly preferred: readonly string[];
  /**
   * Under a partition, whether a network side may hold the leader at all (a DCS-style failover:
   * only the side with the observers' majority, primary-dependence.ts `observerMajority`). The
   * incumbent on another side demotes itself. Undefined: any side with a write quorum.
   */
  readonly decides?: ((side: number) => boolean) | undefined;
}

/** A leader election's outcome under a leader preference ({@link electLeader}). */
export interface Elected {
  /** Undefined when no side holds a write quorum with a voter that may lead. */
  readonly leader?: string;
  /**
   * When no preferred region can lead: every region the engine may put the leader in (the side
   * holding the quorum), sorted. Its preferences name none of them, so which one it picks is not
   * known; the leader above is the analysis' ranking of them.
   */
  readonly outsidePreferred?: readonly string[];
}

/**
 * Leader election after failures, for an engine that keeps a preferred leader region. The
 * preferred leader region keeps the leadership while it holds a live voter on a side with a
 * write quorum (lease preferences pull it back) that `decides` allows; otherwise the side holding
 * a quorum (and, with `decides`, its say) elects a leader in a preferred region (`leaderRegions`)
 * when one of its voters there lives, else in any of its regions with a voter; among those, in the
 * region with the most live replicas, then the one nearest to the users (demand-weighted RTT),
 * then by code.
 */
export function electLeader(
  group: PlacementGroup,
  alive: readonly ReplicaSlot[],
  req: Requirement,
  users: readonly UserOrigin[],
  net: NetworkView,
  regions: LeaderRegions,
): Elected {
  const { only, preferred, decides } = regions;
  const canLead = (slot: ReplicaSlot) => mayLead(slot) && (only === undefined || only.includes(slot.region));
  // A side needs a quorum and a replica allowed to lead (witnesses and read-only replicas never do),
  // and, where the observers decide, their majority.
  const sides = sidesOf(alive, req, net).filter(
    (side) =>
      side.length >= req.needed &&
      side.some(canLead) &&
      (decides === undefined || decides(net.side(side[0]!.region))),
  );
  const home = group.leader.region;
  if (sides.some((side) => side.some((slot) => slot.region === home && canLead(slot))))
    return { leader: home };
  const side = sides[0];
  if (side === undefined) return {};
  const voters = side.filter(canLead);
  const preferredVoters = voters.filter((slot) => preferred.includes(slot.region));
  const pool = preferredVoters.length > 0 ? preferredVoters : voters;
  const counts = new Map<string, number>();
  for (const slot of pool) counts.set(slot.region, (counts.get(slot.region) ?? 0) + 1);
  const leader = [...counts]
    .map(([region, count]) => ({ region, count, distance: userDistance(region, users, net) }))
    .sort((a, b) => b.count - a.count || a.distance - b.distance || byText(a.region, b.region))[0]!.region;
  return preferredVoters.length > 0
    ? { leader }
    : { leader, outsidePreferred: [...counts.keys()].sort(byText) };
}

/**
 * Leader election for an engine without leader preferences (etcd, Redis Sentinel): the leader
 * stays while its own member is live on a side with a write quorum — nothing pulls leadership
 * back to a region, so losing the leader's pod starts an election even where its region keeps
 * other members (`incumbency` "member"; "region": while its region holds such a live voter);
 * otherwise any live voter of the side holding the quorum may win — whichever election timer
 * fires first (Raft §5.2), whichever replica the Sentinels pick — if a majority of all members
 * is there to authorise it, where the engine asks for one (`promotionNeedsMajority`). Every
 * such voter counts as up to date: entries the old leader sent arrive within a round trip, long
 * before an election timeout (≥ 10 RTTs, src/engines/etcd.ts). Returns the candidate regions
 * (sorted; [] without a quorum) and whether an election happened.
 */
export function electionCandidates(
  group: PlacementGroup,
  alive: readonly ReplicaSlot[],
  req: Requirement,
  net: NetworkView,
  only: readonly string[] | undefined,
  incumbency: "member" | "region",
  promotionNeedsMajority: boolean,
): { readonly regions: readonly string[]; readonly elected: boolean } {
  // Nothing here keeps a leader in a region: `leaderRegions` cannot narrow the candidates.
  const canLead = (slot: ReplicaSlot) => mayLead(slot) && (only === undefined || only.includes(slot.region));
  const sides = sidesOf(alive, req, net).filter((side) => side.length >= req.needed && side.some(canLead));
  const incumbent = group.leader;
  const keeps =
    incumbency === "member"
      ? (slot: ReplicaSlot) => slot === incumbent
      : (slot: ReplicaSlot) => slot.region === incumbent.region;
  // Promoting may need more votes than writing does (Redis: a majority of all Sentinels).
  const votes = promotionNeedsMajority ? Math.floor(group.replicas.length / 2) + 1 : 0;
  const home = sides.find((side) => side.some((slot) => keeps(slot) && canLead(slot)));
  // A side cut from the primary that holds the votes promotes one of its own; the old primary
  // takes writes it will lose when it rejoins as a replica (nothing stops it: no
  // min-replicas-to-write is compiled), so the analysis follows the new one.
  const outvoted = votes > 0 && sides.some((side) => side !== home && side.length >= votes);
  if (home !== undefined && !outvoted) return { regions: [incumbent.region], elected: false };
  const side = sides.find((s) => s !== home && s.length >= votes);
  if (side === undefined) return { regions: [], elected: true };
  return { regions: [...new Set(side.filter(canLead).map((slot) => slot.region))].sort(), elected: true };
}
