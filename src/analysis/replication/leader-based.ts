import { nearest, quorumWait, reachableFrom } from "./common.js";
import type { GroupState, ReplicationBehaviour } from "./types.js";

/**
 * Latency shared by the single-leader models (consensus, primary-replica): writes go to the
 * leader and wait for the write quorum; strong reads are served by the leader; weaker reads by
 * the nearest replica.
 */
/** Undefined when no quorum can acknowledge in bounded time (followers behind saturated links). */
export function commitWait(state: GroupState): number | undefined {
  const { leader, net } = state;
  if (leader === undefined) return undefined;
  const voting = reachableFrom(state, leader).filter(state.requirements.write.counts);
  return quorumWait(leader, voting, state.requirements.write.needed, net, true, state.ackDelay);
}

export const leaderLatency = {
  commitP50(state: GroupState): number {
    return commitWait(state) ?? 0;
  },
  writeP50(state: GroupState, origin: string): number | undefined {
    const { leader, net } = state;
    if (leader === undefined || !net.connected(origin, leader)) return undefined;
    const commit = commitWait(state);
    return commit === undefined ? undefined : net.rtt(origin, leader) + commit;
  },
  /** Strong: RTT(origin, leader). Otherwise RTT(origin, nearest reachable replica). */
  readP50(state: GroupState, origin: string, readLeader: string | undefined): number | undefined {
    const { net } = state;
    if (state.ds.consistency === "strong") {
      if (readLeader === undefined || !net.connected(origin, readLeader)) return undefined;
      return net.rtt(origin, readLeader);
    }
    const reachable = reachableFrom(state, origin).filter(state.requirements.read.counts);
    if (reachable.length < state.requirements.read.needed) return undefined;
    return nearest(
      origin,
      reachable.map((slot) => slot.region),
      net,
    )?.rttMs;
  },
  sources(state: GroupState) {
    return state.leader === undefined ? [] : [{ region: state.leader, share: 1 }];
  },
} satisfies Partial<Record<keyof ReplicationBehaviour, unknown>>;
