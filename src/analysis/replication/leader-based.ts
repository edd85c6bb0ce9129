import { clientRoundTrip, nearestRoundTrip, quorumWait, reachableFrom } from "./common.js";
import { readIndexWaitMs } from "./read-index.js";
import type { GroupState, ReplicationBehaviour } from "./types.js";

/**
 * Latency shared by the single-leader models (consensus, primary-replica): writes go to the
 * leader and wait for the write quorum; strong reads are served by the leader; weaker reads by
 * the nearest replica.
 */
/**
 * Undefined when no quorum can acknowledge in bounded time (followers behind saturated links).
 * `delay` per follower: the shipped item's sojourn for a commit; nothing for a read-index heartbeat,
 * which carries no item and does not queue behind the appends (etcd's rafthttp sends appends on
 * their own stream, `msgappv2`, and other messages on `message`).
 */
export function commitWait(
  state: GroupState,
  delay: (from: string, to: string) => number = state.shipDelay,
): number | undefined {
  const { leader, net } = state;
  if (leader === undefined) return undefined;
  const voting = reachableFrom(state, leader).filter(state.requirements.write.counts);
  return quorumWait(leader, voting, state.requirements.write.needed, net, true, delay);
}

export const leaderLatency = {
  commitP50(state: GroupState): number {
    return commitWait(state) ?? 0;
  },
  writeP50(state: GroupState, origin: string): number | undefined {
    const { leader, net } = state;
    if (leader === undefined || !net.connected(origin, leader)) return undefined;
    const commit = commitWait(state);
    return commit === undefined ? undefined : clientRoundTrip(state, origin, leader, "write") + commit;
  },
  /**
   * Strong: RTT(origin, leader), plus, for a `read-index` engine (etcd), the leader's heartbeat
   * round to a quorum that confirms it still leads before it answers (Raft thesis §6.4): the same
   * quorum wait as a commit, with no durable-commit tail (nothing is written), and the wait for the
   * round in flight at the declared read rate (./read-index.ts). Otherwise RTT(origin, nearest
   * reachable replica).
   */
  readP50(
    state: GroupState,
    origin: string,
    readLeader: string | undefined,
    quorumRound = false,
  ): number | undefined {
    const { net } = state;
    if (state.ds.consistency === "strong") {
      if (readLeader === undefined || !net.connected(origin, readLeader)) return undefined;
      const leg = clientRoundTrip(state, origin, readLeader, "read");
      if (!quorumRound) return leg;
      const round = commitWait(state, () => 0);
      if (round === undefined) return undefined;
      // Every strong read of the group's partitions reaches this leader; at p99 (the tail view is
      // its own atP99, src/analysis/network.ts) a read waits at most a second round.
      const { ds, group } = state;
      const readsPerSec = ((ds.traffic?.readsPerSec ?? 0) * group.partitions.length) / ds.partitions.count;
      const quantile = net.atP99 === net ? 0.99 : 0.5;
      return leg + readIndexWaitMs(round, readsPerSec, quantile);
    }
    const reachable = reachableFrom(state, origin).filter(state.requirements.read.counts);
    if (reachable.length < state.requirements.read.needed) return undefined;
    return nearestRoundTrip(
      state,
      origin,
      reachable.map((slot) => slot.region),
      "read",
    );
  },
  sources(state: GroupState) {
    return state.leader === undefined ? [] : [{ region: state.leader, share: 1 }];
  },
} satisfies Partial<Record<keyof ReplicationBehaviour, unknown>>;
