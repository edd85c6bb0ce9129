import { holdsData, mayLead, votes } from "./common.js";
import { quorumFitsIn, windowBeyond } from "./durability.js";
import { leaderLatency } from "./leader-based.js";
import type { ReplicationBehaviour } from "./types.js";

/**
 * Raft/Paxos: n voting members (voters + witnesses), write quorum ⌊n/2⌋+1. Commit from leader L =
 * the (q−1)-th smallest RTT from L to the other voting members (read-only replicas do not count).
 * Strong reads are leaseholder reads at L (no quorum round trip), or, for a `read-index` engine
 * (etcd), RTT(origin, L) + the same quorum round (the leader confirms its leadership first).
 */
export const consensus: ReplicationBehaviour = {
  leaderBased: true,
  requirements: (ds) => ({
    // Quorums count voters and witnesses; read-only replicas never vote.
    write: { needed: ds.quorum.write, counts: votes, led: true },
    // Lease and read-index reads need a live leader, i.e. a quorum; stale reads need any one replica holding data.
    read:
      ds.consistency === "strong"
        ? { needed: ds.quorum.read, counts: votes, led: true }
        : { needed: 1, counts: holdsData },
    // Witnesses vote but never lead: a quorum of them alone elects no leader.
    lead: { needed: 1, counts: mayLead },
  }),
  commitP50: leaderLatency.commitP50,
  writeP50: leaderLatency.writeP50,
  readP50: (state, origin) =>
    leaderLatency.readP50(state, origin, state.leader, state.ds.strongRead === "read-index"),
  sources: leaderLatency.sources,
  // A committed write is on a quorum, and a new leader comes from a quorum: nothing is lost unless a
  // quorum fits in the leader's region (3 of 5 voters there), whose loss takes the unshipped tail.
  rpoMs: (ds, lags) => (quorumFitsIn(ds, ds.leader) ? windowBeyond(ds.leader, lags) : 0),
  minimum: (goal) =>
    goal === "zone"
      ? { replicas: 3, regions: 1 }
      : {
          replicas: 5,
          regions: 3,
          note: "CockroachDB's REGION goal: 5 voters over ≥ 3 regions (2+2+1). 3 voters over 3 regions keep a majority after a region loss too, but not after a further zone loss during it.",
        },
};
