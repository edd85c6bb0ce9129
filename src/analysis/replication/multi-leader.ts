import { holdsData, nearestRoundTrip, reachableFrom, sharesByNearest } from "./common.js";
import type { GroupState, ReplicationBehaviour } from "./types.js";

const writeRegionsReachable = (state: GroupState, origin: string) =>
  reachableFrom(state, origin)
    .filter((slot) => state.ds.writeRegions.includes(slot.region))
    .map((slot) => slot.region);

/**
 * Every write region accepts writes locally and ships them to every other region
 * asynchronously: write = RTT(origin, nearest write region); reads at the nearest replica.
 * Conflicting writes are resolved after the fact, so reads can never be strong.
 */
export const multiLeader: ReplicationBehaviour = {
  leaderBased: false,
  requirements: (ds) => ({
    write: { needed: 1, counts: (slot) => holdsData(slot) && ds.writeRegions.includes(slot.region) },
    read: { needed: 1, counts: holdsData },
  }),
  commitP50: () => 0,
  writeP50: (state, origin) => nearestRoundTrip(state, origin, writeRegionsReachable(state, origin), "write"),
  readP50: (state, origin) =>
    nearestRoundTrip(
      state,
      origin,
      reachableFrom(state, origin)
        .filter(holdsData)
        .map((slot) => slot.region),
      "read",
    ),
  sources: (state) =>
    sharesByNearest(
      state.users,
      (origin) => writeRegionsReachable(state, origin),
      state.net,
      state.alive.filter(state.requirements.write.counts).map((slot) => slot.region),
    ),
  // Writes accepted in a lost region and not yet shipped are lost: the worst lag.
  rpoMs: (_ds, lags) => Math.max(0, ...lags.map((lag) => lag.p99Ms)),
  minimum: (goal) => ({ replicas: 2, regions: goal === "zone" ? 1 : 2 }),
};
