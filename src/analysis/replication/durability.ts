import type { ReplicaSlot, ResolvedDatastore } from "../../model/types.js";
import type { ReplicationLag } from "../types.js";
import { mayLead, votes } from "./common.js";

/**
 * Whether replicas in `region` alone can acknowledge a write: then a committed write may exist only
 * there (the nearest quorum answers first), and losing the region loses what had not yet reached a
 * replica elsewhere. 3 voters of 5 in one region, semi-sync with the standby beside the primary, or
 * W = 2 with 3 replicas per region all commit without leaving the region. Every placement group
 * has the same replicas per region; the first one's are counted.
 */
export function quorumFitsIn(ds: ResolvedDatastore, region: string): boolean {
  return quorumFitsInSlots(ds, ds.groups[0]?.replicas.filter((slot) => slot.region === region) ?? []);
}

/**
 * Whether these replicas (a region's, a lost zone's) alone can acknowledge a write: in a consensus
 * group those that vote (voters and witnesses), otherwise the voters, the data replicas (read-only
 * replicas never acknowledge).
 */
export function quorumFitsInSlots(ds: ResolvedDatastore, slots: readonly ReplicaSlot[]): boolean {
  const acknowledges = ds.replication === "consensus" ? votes : mayLead;
  return slots.filter(acknowledges).length >= ds.quorum.write;
}

/**
 * What losing `region` loses when a write can commit inside it: the p99 lag to the freshest
 * replica elsewhere (the one a failover promotes); with no replica elsewhere, the freshest at all.
 */
export function windowBeyond(region: string, lags: readonly ReplicationLag[]): number {
  if (lags.length === 0) return 0;
  const elsewhere = lags.filter((lag) => lag.region !== region);
  return Math.min(...(elsewhere.length > 0 ? elsewhere : lags).map((lag) => lag.p99Ms));
}
