import { majority } from "../../model/placement.js";
import { clientRoundTrip, nearest, quorumWait, reachableFrom, sharesByNearest } from "./common.js";
import { quorumFitsIn } from "./durability.js";
import type { GroupState, ReplicationBehaviour } from "./types.js";

const all = () => true;

/** The coordinator: a node in the replica region nearest to the origin (reachable, alive). */
function coordinator(state: GroupState, origin: string) {
  return nearest(
    origin,
    reachableFrom(state, origin).map((slot) => slot.region),
    state.net,
  );
}

/**
 * A write's item goes from the coordinator to each replica: the replication flow on that link, so
 * its sojourn in it (GroupState.shipDelay, as for a leader's followers). A read sends a direct
 * read request to one replica, the fastest by the dynamic snitch, and digest requests to the
 * others (Cassandra's read path:
 * https://docs.datastax.com/en/cassandra-oss/3.0/cassandra/dml/dmlClientRequestsRead.html); the
 * coordinator runs in a replica region, so the data comes from beside it: no item crosses a link.
 */
const replicaDelay = (state: GroupState, op: "read" | "write") =>
  op === "write" ? state.shipDelay : () => 0;

/**
 * W/R: the W-th (R-th) smallest RTT from the coordinator's region to the reachable replicas (for a
 * write each with the item's sojourn on the link between them), after the client's round trip to
 * the coordinator.
 */
function quorumFrom(state: GroupState, origin: string, op: "read" | "write"): number | undefined {
  const coord = coordinator(state, origin);
  if (coord === undefined) return undefined;
  const needed = state.requirements[op].needed;
  const replicas = reachableFrom(state, coord.region);
  const wait = quorumWait(coord.region, replicas, needed, state.net, false, replicaDelay(state, op));
  return wait === undefined
    ? undefined
    : clientRoundTrip(state, origin, coord.region, op, coord.rttMs) + wait;
}

/**
 * Dynamo-style N/R/W: the coordinator (not itself counted as a replica) sends to all N replicas and
 * answers after W (write) or R (read) of them; replicas in its own region are a cross-zone RTT away.
 */
export const leaderless: ReplicationBehaviour = {
  leaderBased: false,
  requirements: (ds) => ({
    write: { needed: ds.quorum.write, counts: all },
    read: { needed: ds.quorum.read, counts: all },
  }),
  commitP50: (state) =>
    quorumWait(
      state.ds.leader,
      reachableFrom(state, state.ds.leader),
      state.requirements.write.needed,
      state.net,
      false,
      state.shipDelay,
    ) ?? 0,
  writeP50: (state, origin) => quorumFrom(state, origin, "write"),
  readP50: (state, origin) => quorumFrom(state, origin, "read"),
  sources: (state) =>
    sharesByNearest(
      state.users,
      (origin) => reachableFrom(state, origin).map((slot) => slot.region),
      state.net,
      state.alive.map((slot) => slot.region),
    ),
  // When W replicas fit in one region (W = 1 always), a write acknowledged there may be held there
  // only: losing the region before it ships loses it (the worst lag, as writes enter everywhere).
  rpoMs: (ds, lags) =>
    ds.regions.some((region) => quorumFitsIn(ds, region)) ? Math.max(0, ...lags.map((lag) => lag.p99Ms)) : 0,
  minimum: (goal, ds) => {
    const q = Math.max(ds.quorum.write, ds.quorum.read);
    const defaults = q === majority(ds.replicas);
    const replicas = defaults ? 3 : q + 1;
    return { replicas, regions: goal === "zone" ? 1 : replicas };
  },
};
