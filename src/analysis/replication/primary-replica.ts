import { holdsData, mayLead } from "./common.js";
import { leaderLatency } from "./leader-based.js";
import type { ReplicationBehaviour } from "./types.js";

/**
 * One primary ships its log to replicas. sync waits for every replica, semi-sync for the nearest
 * one, async for none (write quorum = replicas / 2 / 1 from the model). Failover promotes a
 * surviving replica automatically; with async shipping the writes not yet shipped are lost (RPO = lag).
 */
export const primaryReplica: ReplicationBehaviour = {
  leaderBased: true,
  requirements: (ds) => ({
    // The primary waits only for replicas that may replace it (read-only ones and witnesses never do).
    write: { needed: ds.quorum.write, counts: mayLead },
    read: { needed: 1, counts: holdsData },
  }),
  commitP50: leaderLatency.commitP50,
  writeP50: leaderLatency.writeP50,
  // A strong read needs the primary; it still serves reads when sync writes are blocked.
  readP50: (state, origin) =>
    leaderLatency.readP50(
      state,
      origin,
      state.leader ??
        (state.alive.some((slot) => slot.region === state.group.leader.region)
          ? state.group.leader.region
          : undefined),
    ),
  sources: leaderLatency.sources,
  rpoMs: (ds, lags) => {
    if (ds.sync !== "async" || lags.length === 0) return 0;
    // Failover after losing the primary's region promotes the freshest replica elsewhere.
    const elsewhere = lags.filter((lag) => lag.region !== ds.leader);
    return Math.min(...(elsewhere.length > 0 ? elsewhere : lags).map((lag) => lag.p99Ms));
  },
  minimum: (goal, ds) => {
    if (ds.sync === "sync")
      return {
        replicas: ds.replicas + 1,
        regions: goal === "zone" ? 1 : ds.replicas + 1,
        note: "sync replication waits for every replica: losing any one blocks writes, so no replica count survives a failure; use semi-sync or consensus",
      };
    const q = ds.quorum.write;
    return { replicas: q + 1, regions: goal === "zone" ? 1 : q + 1 };
  },
};
