import type { ResolvedDatastore } from "../../model/types.js";
import { consensus } from "./consensus.js";
import { leaderless } from "./leaderless.js";
import { multiLeader } from "./multi-leader.js";
import { primaryReplica } from "./primary-replica.js";
import type { ReplicationBehaviour } from "./types.js";

/** One behaviour per replication model; the Record type makes a missing model a compile error. */
export const REPLICATION: Readonly<Record<ResolvedDatastore["replication"], ReplicationBehaviour>> = {
  consensus,
  "primary-replica": primaryReplica,
  "multi-leader": multiLeader,
  leaderless,
};

export type { GroupState, ReplicationBehaviour, Requirement, Requirements } from "./types.js";
