import type { ReplicaSlot, ResolvedDatastore } from "../../model/types.js";
import type { ReplicationLag } from "../types.js";

/**
 * Replicas in `region` that can acknowledge a write: voters and witnesses of a consensus group
 * (both vote), the data replicas of the other models (read-only replicas never acknowledge).
 */
function acknowledgersIn(ds: ResolvedDatastore, region: string): number {
  const here = ds.placement.find((p) => p.region === region);
  if (here === undefined) return 0;
  return ds.replication === "consensus" ? here.voters + here.witnesses : here.voters;
}

/**
 * Whether replicas in `region` alone can acknowledge a write: then a committed write may exist only
 * there (the nearest quorum answers first), and losing the region loses what had not yet reached a
 * replica elsewhere. 3 voters of 5 in one region, semi-sync with the standby beside the primary, or
 * W = 2 with 3 replicas per region all commit without leaving the region.
 */
export function quorumFitsIn(ds: ResolvedDatastore, region: string): boolean {
  return acknowledgersIn(ds, region) >= ds.quorum.write;
}

/**
 * Whether these replicas (a lost zone's) alone can acknowledge a write: voters and witnesses of a
 * consensus group, data replicas otherwise (as acknowledgersIn counts a region's).
 */
export function quorumFitsInSlots(ds: ResolvedDatastore, slots: readonly ReplicaSlot[]): boolean {
  const acks = (slot: ReplicaSlot) =>
    ds.replication === "consensus"
      ? slot.role !== "readOnly"
      : slot.role === undefined || slot.role === "voter";
  return slots.filter(acks).length >= ds.quorum.write;
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
