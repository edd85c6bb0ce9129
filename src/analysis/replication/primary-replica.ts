import { ENGINE_CAPABILITIES } from "../../engines/capabilities.js";
import type { ReplicaSlot, ResolvedDatastore } from "../../model/types.js";
import { clientRoundTrip, holdsData, mayLead, promotableIn } from "./common.js";
import { quorumFitsIn, windowBeyond } from "./durability.js";
import { leaderLatency } from "./leader-based.js";
import type { ReplicationBehaviour } from "./types.js";

/**
 * Whether a synchronous commit may only wait for standbys in the primary's own region: the engine's
 * `syncScope` (src/engines/capabilities.ts; CloudNativePG lists only the primary cluster's own
 * instances in `synchronous_standby_names`, replica clusters in other regions stream asynchronously).
 * Read from the pure capability table, never from the compilers.
 */
export function syncInPrimaryRegion(ds: ResolvedDatastore): boolean {
  if (ds.sync === "async" || ds.deploy.target !== "kubernetes" || ds.deploy.engine === undefined)
    return false;
  return ENGINE_CAPABILITIES[ds.deploy.engine].syncScope === "primary-region";
}

/**
 * One primary ships its log to replicas. sync waits for every replica, semi-sync for the nearest
 * one, async for none (write quorum = replicas / 2 / 1 from the model). Failover promotes a
 * surviving replica automatically; with async shipping the writes not yet shipped are lost (RPO = lag).
 *
 * On an engine whose synchronous standbys are only those of the primary's region (PostgreSQL on
 * CloudNativePG: `synchronous: { method: any, number: n, dataDurability: required }` over the
 * primary cluster's instances), only those count: a semi-sync commit waits for the nearest standby
 * in the primary's region, and with fewer than `number` of them up writes block (`required`: "write
 * operations will pause if the required number of synchronous standbys is unavailable",
 * https://cloudnative-pg.io/documentation/current/replication/#data-durability-and-synchronous-replication)
 * rather than fall back to a replica elsewhere. The same count decides election: a primary is
 * re-elected only inside that region (CloudNativePG promotes a replica cluster in another region
 * only by hand, https://cloudnative-pg.io/documentation/current/replica_cluster/) — for any sync
 * mode: the engine's `failoverScope` (ds.failoverInLeaderRegion) confines the election. `ds.leader` is
 * the primary's region: such engines hold one partition (maxPartitions 1).
 */
export const primaryReplica: ReplicationBehaviour = {
  leaderBased: true,
  requirements: (ds) => {
    const primaryRegion = ds.leader;
    const local = syncInPrimaryRegion(ds);
    // The primary waits only for replicas that may replace it (witnesses never do, read-only ones
    // only on Aurora).
    const promotable = promotableIn(ds);
    const counts = local
      ? (slot: ReplicaSlot) => promotable(slot) && slot.region === primaryRegion
      : promotable;
    return {
      write: { needed: ds.quorum.write, counts },
      // Clients that reach only the primary (CloudNativePG's -rw Service) read from the primary's
      // region's instances, one of which is promoted there when the primary fails.
      // A strong read is the primary's (readP50 below): it needs a primary as writes do, not their acks.
      read:
        ds.consistency === "strong"
          ? { needed: 1, counts, atPrimary: true }
          : {
              needed: 1,
              counts: ds.readsAtPrimary
                ? (slot) => mayLead(slot) && slot.region === primaryRegion
                : holdsData,
            },
    };
  },
  commitP50: leaderLatency.commitP50,
  writeP50: leaderLatency.writeP50,
  // A strong read needs the primary; it still serves reads when sync writes are blocked. Where
  // clients reach only the primary (ds.readsAtPrimary), every read goes there, as a strong one does.
  readP50: (state, origin) => {
    // Without a write quorum the primary, alive, still serves reads, unless it demoted itself.
    const primary =
      state.leader ??
      (state.primaryDemoted !== true && state.alive.some((slot) => slot.region === state.group.leader.region)
        ? state.group.leader.region
        : undefined);
    if (!state.ds.readsAtPrimary || state.ds.consistency === "strong")
      return leaderLatency.readP50(state, origin, primary);
    if (primary === undefined || !state.net.connected(origin, primary)) return undefined;
    return clientRoundTrip(state, origin, primary, "read");
  },
  sources: leaderLatency.sources,
  // Failover after losing the primary's region promotes the freshest replica elsewhere: async, or
  // (semi-)sync with enough standbys beside the primary to acknowledge, loses its lag.
  rpoMs: (ds, lags) => (quorumFitsIn(ds, ds.leader) ? windowBeyond(ds.leader, lags) : 0),
  minimum: (goal, ds) => {
    if (ds.sync === "sync")
      return {
        replicas: ds.replicas + 1,
        regions: goal === "zone" ? 1 : ds.replicas + 1,
        note: "sync replication waits for every replica: losing any one blocks writes, so no replica count survives a failure; use semi-sync or consensus",
        noCount: true,
      };
    const q = ds.quorum.write;
    if (goal === "region" && ds.failoverInLeaderRegion)
      return {
        replicas: q + 1,
        regions: q + 1,
        note: `this engine fails over only inside the primary's region: losing ${ds.leader} stops writes until an operator promotes a replica cluster elsewhere; use consensus (e.g. CockroachDB) to survive a region`,
        noCount: true,
      };
    if (goal === "region" && syncInPrimaryRegion(ds))
      return {
        replicas: q + 1,
        regions: q + 1,
        note: `${ds.sync} commits wait only for standbys in the primary's region on this engine: losing ${ds.leader} stops writes until an operator promotes a replica cluster elsewhere; use async with failover, or consensus`,
        noCount: true,
      };
    // A failover authorised by a majority of all members (Redis Sentinel) needs one outside the
    // lost domain: 3 members is the least, 1 + 2 led from the 1 for a region.
    if (ds.promotionNeedsMajority)
      return {
        replicas: Math.max(q + 1, 3),
        regions: goal === "zone" ? 1 : 2,
        note: "a replica is promoted only by a majority of all Sentinels (one per member), so a majority of the members must outlive the loss",
      };
    // An automatic failover across regions needs a majority of the observers to outlive any one
    // region (primary-dependence.ts `observersCanPromote`): 1 + 1 and a witness in a third region
    // is the least.
    if (goal === "region" && ds.failover.mode === "automatic")
      return {
        replicas: Math.max(q + 1, 3),
        regions: Math.max(q + 1, 3),
        note: "a replica is promoted by itself only where no region holds half of the voters and witnesses or more",
      };
    return { replicas: q + 1, regions: goal === "zone" ? 1 : q + 1 };
  },
};
