import { lostWithZone } from "../model/placement.js";
import type { PlacementGroup, ReplicaSlot, ResolvedDatastore } from "../model/types.js";
import type { NetworkView } from "./network.js";
import { mayLead, promotableIn } from "./replication/common.js";

/** Regions holding voters or witnesses: the observers that decide a primary's failover. */
export function observerRegions(ds: ResolvedDatastore): number {
  return new Set(ds.placement.filter((p) => p.voters + p.witnesses > 0).map((p) => p.region)).size;
}

/** The region holding the most observers (voters and witnesses; the leader's on a tie), how many, and of all. */
export function largestObserverRegion(ds: ResolvedDatastore): { region: string; holds: number; all: number } {
  let all = 0;
  let region = ds.leader;
  let holds = 0;
  for (const p of ds.placement) {
    const n = p.voters + p.witnesses;
    all += n;
    if (n > holds || (n === holds && p.region === ds.leader)) {
      region = p.region;
      holds = n;
    }
  }
  return { region, holds, all };
}

/** "eu-west-1 holds 2 of the 4 observers (voters and witnesses)". */
export function observersText(ds: ResolvedDatastore): string {
  const { region, holds, all } = largestObserverRegion(ds);
  return `${region} holds ${holds} of the ${all} observers (voters and witnesses)`;
}

/**
 * Whether the observers promote a replica outside a lost primary's region by themselves, and the
 * primary keeps its role through any other region's loss: a majority of them outlives the loss
 * of any one region (none holds half or more). They are a quorum service (Patroni's DCS,
 * Orchestrator's raft): the side holding a majority takes the leader lock (etcd FAQ; Patroni's
 * multi-site docs), a side without cannot, and a primary cut off from the majority loses its lock
 * and demotes itself (Patroni). So 1 + 1 with a witness in a third region, 2 + 2 + 1; not 2 + 1
 * with a witness (2 of 4 in one region) nor 1 + 2 (losing the 2 demotes the 1). An engine whose
 * promotion a majority of all members authorises, and whose primary keeps writing without them
 * (Redis: one Sentinel per member), counts its votes for each loss instead (failover.ts
 * `writesStop` "votes", leader.ts `electionCandidates`).
 */
export function observersCanPromote(ds: ResolvedDatastore): boolean {
  if (ds.promotionNeedsMajority) return true;
  const { holds, all } = largestObserverRegion(ds);
  return holds < all / 2;
}

/**
 * Whether the observers' majority decides where the primary is (a DCS-style failover): automatic,
 * across regions, and neither the engine's own region-bound failover (CloudNativePG), nor
 * Sentinels that authorise a promotion and leave a cut-off primary writing (Redis), nor a managed
 * service, whose failover is the provider's (Aurora has no leader lock to lose).
 */
export function observersDecide(ds: ResolvedDatastore): boolean {
  return (
    ds.replication === "primary-replica" &&
    ds.deploy.target !== "aws" &&
    ds.failover.mode === "automatic" &&
    !ds.failoverInLeaderRegion &&
    !ds.promotionNeedsMajority
  );
}

/**
 * Whether a partition splits the group: its live replicas are on more than one side. A cut
 * elsewhere leaves the group's failures those of an unpartitioned network.
 */
export function splitByPartition(alive: readonly ReplicaSlot[], net: NetworkView): boolean {
  if (!net.hasLinkCuts || alive.length === 0) return false;
  const side = net.side(alive[0]!.region);
  return alive.some((slot) => net.side(slot.region) !== side);
}

/** An observer: a voter or a witness (a read-only replica has no say in a failover). */
export const observes = (slot: ReplicaSlot): boolean => slot.role !== "readOnly";

/** A majority of the group's observers, lost ones counted among all. */
export const observersNeeded = (group: PlacementGroup) =>
  Math.floor(group.replicas.filter(observes).length / 2) + 1;

/**
 * Under a network partition, whether the side of `side`'s regions holds a majority of the group's
 * observers (its voters and witnesses, lost ones counted among all): only that side can hold the
 * leader lock (Patroni's DCS: "the node is allowed to run Postgres as the primary only if it can
 * update the leader lock in DCS", and the old primary "is demoted before the leader lock expires",
 * https://patroni.readthedocs.io/en/latest/dcs_failsafe_mode.html, failsafe mode off as by default).
 */
export function observerMajority(
  group: PlacementGroup,
  alive: readonly ReplicaSlot[],
  net: NetworkView,
): (side: number) => boolean {
  const needed = observersNeeded(group);
  return (side) => alive.filter((slot) => observes(slot) && net.side(slot.region) === side).length >= needed;
}

/**
 * Whether a primary-replica store's writes need the primary's own region (and zone) up, because
 * nothing replaces a lost primary there without an operator:
 *   - region: failover is manual (declared, or the service's default: Aurora Global Database's
 *     detach-and-promote), or the engine fails over only inside the primary's region (CloudNativePG
 *     replica clusters are promoted by hand), or no majority of the observers outlives the loss of
 *     any one region (`observersCanPromote`);
 *   - zone: failover inside the region is manual too (a declared manual failover with no in-region
 *     automatic one, as Aurora has within a cluster). A primary that needs its region and has no
 *     other voter there needs its zone as well (datastores.ts `primaryOf`: that zone's loss is the
 *     region's, for this store).
 * An operator's promotion after the RTO is not counted: no public figure says how long region or
 * zone outages last, so how much of one a promotion would shorten is unknown. The figure is the
 * availability without an operator — a lower bound, stated as such in docs/model.md.
 * Consensus stores elect a new leader by themselves; multi-leader and leaderless ones need none.
 */
export interface PrimaryDependence {
  readonly region: boolean;
  readonly zone: boolean;
}

export function writesNeedPrimary(ds: ResolvedDatastore): PrimaryDependence | undefined {
  if (ds.replication !== "primary-replica") return undefined;
  const region = ds.failover.mode === "manual" || ds.failoverInLeaderRegion || !observersCanPromote(ds);
  const zone = (ds.failover.inRegion ?? ds.failover).mode === "manual";
  return region || zone ? { region, zone } : undefined;
}

/**
 * Whether losing the primary's zone stops a group's writes until an operator acts: failover inside
 * the region is manual, or the primary needs its region and no other voter there outlives its
 * zone (that zone's loss is then the region's, for this store). A managed service too: Aurora
 * promotes a replica in another zone, but "if the DB cluster doesn't contain any Aurora Replicas,
 * then the primary instance is recreated in the same AZ" (Aurora User Guide, "High availability
 * for Aurora DB instances"), which a zone outage does not allow. Not for a primary that spans its
 * region's zones.
 */
export function primaryNeedsZone(
  ds: ResolvedDatastore,
  needs: PrimaryDependence,
  group: PlacementGroup,
): boolean {
  const primary = group.leader;
  if (primary.spansZones === true) return false;
  if (needs.zone) return true;
  // Aurora promotes any reader of the cluster (its promotion tiers), a read-only one too.
  return needs.region && !hasStandbyBeside(group, promotableIn(ds)) && !observersOutliveZone(ds, group);
}

/**
 * Whether the observers' majority outlives the primary's zone, with a voter outside it to promote:
 * a DCS-style failover then replaces the primary by itself (1 voter and 1 witness in the primary's
 * region, in two zones, and 1 voter elsewhere), though a majority does not outlive its region.
 */
function observersOutliveZone(ds: ResolvedDatastore, group: PlacementGroup): boolean {
  return observersDecide(ds) && majorityOutlives(group, (slot) => lostWithZone(slot, group.leader.zone));
}

/** Whether a majority of the group's observers outlives losing the replicas `lost` picks, with a voter left to promote. */
export function majorityOutlives(group: PlacementGroup, lost: (slot: ReplicaSlot) => boolean): boolean {
  const left = group.replicas.filter((slot) => !lost(slot));
  return left.filter(observes).length >= observersNeeded(group) && left.some(mayLead);
}

/** Another replica that may be promoted, in the primary's region, that outlives the primary's zone: a standby to promote there. */
function hasStandbyBeside(group: PlacementGroup, promotable: (slot: ReplicaSlot) => boolean): boolean {
  const primary = group.leader;
  return group.replicas.some(
    (slot) =>
      slot !== primary &&
      slot.region === primary.region &&
      promotable(slot) &&
      !lostWithZone(slot, primary.zone),
  );
}
