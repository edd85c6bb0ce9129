import type { PlacementGroup, ReplicaSlot, ResolvedDatastore, UserOrigin } from "../../model/types.js";
import type { NetworkView } from "../network.js";
import type { ReplicationLag } from "../types.js";

/** "At least `needed` of the replicas `counts` accepts must be up and reachable." */
export interface Requirement {
  readonly needed: number;
  readonly counts: (slot: ReplicaSlot) => boolean;
  /** Served by a live leader: the survivors must hold one that may lead (`Requirements.lead`) too. */
  readonly led?: true;
  /**
   * Served by the primary alone (a primary-replica store's strong reads): what its writes need to
   * have a primary — its region and zone where nothing replaces it, a failover's votes — but no
   * acknowledgements (`needed` 1 of the members that may be primary).
   */
  readonly atPrimary?: true;
}

export interface Requirements {
  readonly write: Requirement;
  readonly read: Requirement;
  /**
   * Leader-based models whose quorum may hold members that never lead (witnesses): a replica that
   * may lead must outlive a failure too, or the quorum left elects no one.
   */
  readonly lead?: Requirement;
}

/** One placement group under the applied failures. */
export interface GroupState {
  readonly ds: ResolvedDatastore;
  readonly group: PlacementGroup;
  readonly net: NetworkView;
  readonly users: readonly UserOrigin[];
  readonly requirements: Requirements;
  /** Replicas whose region and zone are up. */
  readonly alive: readonly ReplicaSlot[];
  /** Leader-based models: the region holding the (possibly re-elected) leader; undefined without a write quorum. */
  readonly leader: string | undefined;
  /**
   * Engines without leader preference, after an election: every region that may win it (`leader`
   * is the worst of them for latency). Absent when the leader kept its region or the engine has
   * preferences.
   */
  readonly leaderCandidates?: readonly string[];
  /**
   * Under a partition, the old primary demoted itself, cut off from its observers' majority
   * (primary-dependence.ts `observerMajority`): alive or not, it is no primary.
   */
  readonly primaryDemoted?: true;
  /**
   * A shipped write's sojourn (transfer + queueing) in the replication stream on the directed link
   * `from` → `to`, ms, at the view's quantile (the median; the p99 in the tail view): what a
   * follower's acknowledgement adds (src/analysis/lag.ts). 0 without a declared capacity; Infinity
   * when the link is saturated (the follower leaves the quorum).
   */
  readonly shipDelay: (from: string, to: string) => number;
  /**
   * One item's transfer alone at the declared capacity of the link `from` → `to`, ms (0 without
   * one): what a client's write or a read's reply adds on its own connection — a lower bound, as
   * the connection shares the link with the other traffic rather than queueing behind it.
   */
  readonly transfer: (from: string, to: string) => number;
}

/** Where writes enter the system, as shares of the write traffic. */
export interface WriteSource {
  readonly region: string;
  readonly share: number;
}

/** The minimum a survival goal needs under a replication model. */
export interface GoalMinimum {
  readonly replicas: number;
  readonly regions: number;
  readonly note?: string;
  /** No replica count meets the goal this way (sync replication, a failover kept in the primary's region): the note says why. */
  readonly noCount?: true;
}

/**
 * What a replication model contributes to the analysis. One entry per model in the REPLICATION
 * table (./index.ts), so adding a model cannot fall through a switch.
 */
export interface ReplicationBehaviour {
  /** A single leader/primary accepts writes and is re-elected on the side holding a write quorum. */
  readonly leaderBased: boolean;
  requirements(ds: ResolvedDatastore): Requirements;
  /** Median client write latency from `origin`, ms; undefined when it cannot be served. */
  writeP50(state: GroupState, origin: string): number | undefined;
  /** Median client read latency from `origin`, ms; undefined when it cannot be served. */
  readP50(state: GroupState, origin: string): number | undefined;
  /** Median time from the write's arrival at the leader/coordinator to its acknowledgement, ms. */
  commitP50(state: GroupState): number;
  /** Regions where writes enter (the leader, the users' nearest write region, the coordinators). */
  sources(state: GroupState): readonly WriteSource[];
  /** Data lost on failover (ms of writes), given the replication lags. */
  rpoMs(ds: ResolvedDatastore, lags: readonly ReplicationLag[]): number;
  minimum(goal: "zone" | "region", ds: ResolvedDatastore): GoalMinimum;
}
