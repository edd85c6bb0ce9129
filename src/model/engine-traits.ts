import { ENGINE_CAPABILITIES } from "../engines/capabilities.js";
import type { DatastoreLayout } from "../engines/cockroachdb-layout.js";
import type { ResolvedDatastore, ResolvedDeploy } from "./types.js";

/**
 * The engine behaviours the analysis prices, resolved from the declared engine's capabilities
 * (src/engines/capabilities.ts, each with its source) so that src/analysis reads them from the
 * model and imports no engine. Without an engine, or for an engine that does not state one, the
 * v1 model's assumptions hold: leaseholder reads and a leader that returns to its preferred region.
 */
export interface EngineTraits {
  /** How the leader serves a strong read: alone (`lease`) or after a quorum heartbeat round (`read-index`). */
  readonly strongRead: "lease" | "read-index";
  /** Leadership returns to the preferred region after a failover; false: any up-to-date voter may lead. */
  readonly leaderPreference: boolean;
  /**
   * Without leader preference, what keeps a leader in place: its own member (`member`: etcd's Raft
   * leader, Redis' primary; losing that pod starts an election wherever the others are) or any live
   * voter of its region (`region`: CockroachDB's four-region layout, whose lease preference names
   * the primary region alone, so the lease moves to another node there first).
   */
  readonly incumbency: "member" | "region";
  /** A new leader needs a majority of all members' votes (Redis Sentinel), beside any write quorum. */
  readonly promotionNeedsMajority: boolean;
  /** A primary cut off from the members that promote another keeps taking writes, lost on rejoining (Redis). */
  readonly cutOffPrimaryKeepsWriting: boolean;
  /** Automatic failover only inside the leader's region (CloudNativePG); false: any eligible region. */
  readonly failoverInLeaderRegion: boolean;
  /**
   * A write crosses once to each other region and is passed on there (Cassandra, CloudNativePG
   * replica clusters, a multi-leader store without an engine); false: every replica receives its
   * copy from where the write entered.
   */
  readonly wanCopyPerRegion: boolean;
  /** Every read goes to the primary, whatever the consistency (CloudNativePG's `-rw` Service). */
  readonly readsAtPrimary: boolean;
  /** A client's request enters at any member the client Service picks (src/engines/capabilities.ts `clientEntry`). */
  readonly entersAtAnyMember: boolean;
  /**
   * How a client reaches the primary: `itself` (a store on Kubernetes without an engine: its
   * clients know the members), `by-local-discovery` (Redis: it asks its region's Sentinels, which
   * run in the local members' pods, then dials the primary wherever it is), or `no` (through the
   * engine's Service, which routes to it).
   */
  readonly findsPrimary: "itself" | "by-local-discovery" | "no";
  /**
   * A Kubernetes client in a region with members dials its cluster's own client Service, which
   * is not exported: a store on Kubernetes (the lab's clients dial the members: src/lab/lab-load.ts).
   */
  readonly localClientService: boolean;
}

/** The traits of a datastore's engine, given its layout (some engines behave differently by layout). */
export function engineTraits(
  deploy: ResolvedDeploy,
  layout: DatastoreLayout,
  replication: ResolvedDatastore["replication"],
): EngineTraits {
  const engine = deploy.target === "kubernetes" ? deploy.engine : undefined;
  const caps = engine === undefined ? undefined : ENGINE_CAPABILITIES[engine];
  const preference = caps?.leaderPreference;
  const primaryRegionOnly = preference?.unlessLayout?.when(layout) === true;
  return {
    strongRead: caps?.strongRead?.value ?? "lease",
    leaderPreference: primaryRegionOnly ? false : (preference?.value ?? true),
    incumbency: primaryRegionOnly || preference?.value !== false ? "region" : "member",
    promotionNeedsMajority: caps?.promotionVotes?.value === "member-majority",
    cutOffPrimaryKeepsWriting: caps?.cutOffPrimary?.value === "keeps-writing",
    failoverInLeaderRegion: caps?.failoverScope?.value === "primary-region",
    // Without an engine, a multi-leader store's unit of leadership is the region (`leaders`): a
    // write accepted in one is shipped once to each other region and copied on inside it (Redis
    // Enterprise Active-Active's syncer per participating cluster, Cosmos DB's multi-region
    // writes). A system that ships to every node (a BDR mesh) sends more: declare its engine.
    wanCopyPerRegion:
      caps === undefined ? replication === "multi-leader" : caps.wanFanOut?.value === "per-region",
    readsAtPrimary: caps?.clientReads?.value === "primary",
    entersAtAnyMember: caps?.clientEntry?.value === "any-member",
    findsPrimary:
      caps?.clientEntry?.value === "discovered-primary"
        ? "by-local-discovery"
        : deploy.target === "kubernetes" && engine === undefined
          ? "itself"
          : "no",
    localClientService: deploy.target === "kubernetes",
  };
}
