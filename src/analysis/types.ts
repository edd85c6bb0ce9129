/**
 * What the analysis tells about a resolved model. Plain data (JSON-serialisable), computed by pure
 * functions in src/analysis; read by policies, reports, `plan`, `whatif` and compile (chaos annotations).
 * Latencies in ms, bandwidth in Mbit/s, money in USD per month, availability as a fraction.
 */
export interface Analysis {
  readonly datastores: readonly DatastoreAnalysis[];
  readonly services: readonly ServiceAnalysis[];
  readonly streams: readonly StreamAnalysis[];
  /** Replication load per directed inter-region link, every component together. */
  readonly links: readonly LinkLoad[];
  readonly cost: CostEstimate;
  /** Failures applied (empty for the baseline). */
  readonly failures: readonly Failure[];
}

/** A failure for what-if analysis. */
export type Failure =
  | { readonly kind: "zone"; readonly zone: string }
  | { readonly kind: "region"; readonly region: string }
  | { readonly kind: "link"; readonly between: readonly [string, string] };

/** Latency seen from one user origin region. */
export interface OriginLatency {
  readonly origin: string;
  /** Share of demand from this origin. */
  readonly share: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Unreachable (no quorum or no path) under the applied failures. */
  readonly unavailable?: boolean;
  /**
   * Served, but this share of the requests fails: a hard dependency only some of them call cannot
   * serve them (present only when > 0; the latency figures are the served requests').
   */
  readonly failedShare?: number;
}

export interface LatencyProfile {
  readonly byOrigin: readonly OriginLatency[];
  /** Highest p99 over origins with demand. */
  readonly worstP99Ms: number;
  /** Demand-weighted mean p99 over origins. */
  readonly weightedP99Ms: number;
  /** Share of demand from origins that cannot be served (present only when > 0). */
  readonly unavailableShare?: number;
}

export interface SurvivalCheck {
  readonly goal: "zone" | "region";
  readonly survives: boolean;
  /** The failure domain whose loss leaves the fewest replicas, e.g. "eu-west-1" or "eu-west-1a". */
  readonly worstDomain?: string;
  /** Replicas left after losing `worstDomain`. */
  readonly replicasLeft: number;
  /** Replicas a quorum needs. */
  readonly quorum: number;
  /** Losing `worstDomain` leaves a quorum but no replica that may lead (witnesses never do). */
  readonly noLeader?: boolean;
  /**
   * Losing `worstDomain` takes the primary and leaves fewer members than the votes its failover
   * needs (Redis: a majority of all Sentinels, this many): no replica is promoted.
   */
  readonly promotionVotes?: number;
  /**
   * Enough replicas outlive the loss of this domain (the primary's region), but nothing promotes
   * one by itself: writes wait for an operator (src/analysis/failover.ts). `survives` is then false.
   */
  readonly operatorDomain?: string;
}

export interface SurvivalAnalysis {
  readonly zone: SurvivalCheck;
  readonly region: SurvivalCheck;
  /** The declared goal and whether it holds. */
  readonly goal: "zone" | "region";
  readonly meetsGoal: boolean;
  /** Minimum replicas and regions the goal needs (zone: 3 voters; region: 5 voters across ≥ 3 regions). */
  readonly minReplicas: number;
  readonly minRegions: number;
  /** Why the minimum is what it is, when it is not obvious (e.g. sync replication cannot survive). */
  readonly note?: string;
  /** No replica count meets the goal as the store replicates (`note` says why): the minimum is no floor. */
  readonly noCount?: true;
  /**
   * The goal fails though enough replicas outlive the worst failure: a primary-replica store's
   * writes then wait for an operator to promote one (src/analysis/failover.ts): the domain whose
   * loss does it (the primary's zone or region), what happens and the fix.
   */
  readonly operatorNeeded?: { readonly domain: string; readonly message: string; readonly fix: string };
}

export interface ReplicationLag {
  /** Follower region the lag is measured to. */
  readonly region: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Link utilisation ≥ 1: the backlog grows without bound. */
  readonly unbounded: boolean;
}

export interface DatastoreAnalysis {
  readonly name: string;
  readonly path: string;
  readonly replication: string;
  readonly replicas: number;
  readonly quorum: { readonly write: number; readonly read: number };
  readonly leader: string;
  /** Where the leader sits after the applied failures (moves when the preferred leader's region is down). */
  readonly effectiveLeader?: string;
  /**
   * Engines without leader preference (etcd), after the failures forced an election: every region
   * that may win it. `effectiveLeader` and every figure are then the worst of them (demand-weighted
   * write p50); to price the leader a run actually elected, analyse with it as the preferred leader.
   */
  readonly leaderCandidates?: readonly string[];
  readonly commitP50Ms: number;
  readonly write: LatencyProfile;
  readonly read: LatencyProfile;
  readonly survival: SurvivalAnalysis;
  /** Probability that a write/read can be served (quorum alive), exact over zone and region failures. */
  readonly availability: { readonly write: number; readonly read: number };
  /** Partitions (of `partitions`) that lost write quorum under the applied failures. */
  readonly partitionsWithoutQuorum: number;
  readonly partitions: number;
  readonly replicationLag: readonly ReplicationLag[];
  /** Recovery point objective on failover, ms (0 for synchronous quorum commit). */
  readonly rpoMs: number;
  /** Who replaces a lost leader, how long writes stop and what a failover loses. */
  readonly failover: FailoverAnalysis;
  /** What-if only: a failure took a leader / write region away. */
  readonly dataLoss?: DataLoss;
  /**
   * What-if: the region of the old primary that a partition cut off while a primary was elected
   * elsewhere, and that keeps taking its side's writes (Redis: capability `cutOffPrimary`); they
   * are lost when it rejoins as a replica.
   */
  readonly oldPrimaryKeepsWriting?: string;
  /**
   * What-if: the old primary, alive, that a partition (or failures) cut off from the majority of
   * its observers (a DCS-style failover): it demotes itself. `acknowledged`: its side held a commit's
   * acknowledgements, so what it acknowledged after the cut is lost; `observers`: those on its side.
   */
  readonly demotedPrimary?: {
    readonly region: string;
    /** Partitions of its placement group (the one with the most, of several). */
    readonly partitions: number;
    /** Where that group's primary went, when another side took over. */
    readonly successor?: string;
    /**
     * No successor although a side holds the observers' majority: it has no voter that may lead,
     * or too few replicas to acknowledge a commit (`sync`).
     */
    readonly majorityLacks?: "voter" | "write-quorum";
    readonly acknowledged: boolean;
    readonly observers: { readonly onSide: number; readonly of: number };
    /**
     * Without a partition (the failures took the majority, not the primary): writes wait about
     * this long for an operator to restore it; the figures assume it restored.
     */
    readonly untilOperatorSeconds?: number;
  };
  /** Voting followers whose link from the leader is saturated (ρ ≥ 1): they leave the commit quorum. */
  readonly commitExcludes?: readonly { readonly region: string; readonly utilisation: number }[];
  /** Leader-based stores: demand-weighted write p50 with the leader in each eligible region. */
  readonly leaderOptions?: readonly { readonly region: string; readonly writeP50Ms: number }[];
  readonly costUsdPerMonth: { readonly replicas: number; readonly egress: number };
  /** The declared objectives, copied so an analysis can be judged on its own (what-if, reports). */
  readonly slo?: {
    readonly availability?: number | undefined;
    readonly readP99Ms?: number | undefined;
    readonly writeP99Ms?: number | undefined;
    readonly replicationLagMs?: number | undefined;
    readonly rpoSeconds?: number | undefined;
    readonly rtoSeconds?: number | undefined;
  };
}

export interface FailoverAnalysis {
  /** The declared or default failover's mode. */
  readonly mode: "automatic" | "manual";
  /**
   * Time until writes resume after the leader's region is lost, s: the declared or default
   * failover's, or where nothing promotes outside that region by itself an operator's
   * (MANUAL_RTO_SECONDS, or the declared figure if longer). Meaningless with `writesStop`.
   */
  readonly rtoSeconds: number;
  /** Data lost on failover, s (= rpoMs / 1000). */
  readonly rpoSeconds: number;
  /** Why a failover can lose acknowledged writes (absent at RPO 0): how a commit fits in the leader's region. */
  readonly rpoBecause?: string;
  /** Where the failover figures come from. */
  readonly source: string;
  /** Regions holding voters or witnesses (the observers that decide a failover). */
  readonly observerRegions: number;
  /**
   * Observers enough for an automatic failover across regions (primary-replica: a majority of
   * them outside the primary's region, or a majority vote of the members that decides each loss:
   * primary-dependence.ts `observersCanPromote`);
   * the engine may still promote only inside the leader's region (`operatorBecause`).
   */
  readonly automaticPossible: boolean;
  /**
   * The first region (by name) leading a placement group (or taking writes, for a store without
   * a leader) whose loss leaves no write quorum, no replica allowed to lead or not the votes to
   * promote one outside it, and which of these; absent when every such loss leaves all three.
   * With it, writes stop until that region returns and no RTO holds through its loss.
   */
  readonly writesStop?: { readonly region: string; readonly reason: "quorum" | "leader" | "votes" };
  /** Why an automatic failover still needs an operator to promote outside the leader's region, if it does. */
  readonly operatorBecause?: string;
  /**
   * Set when every copy of the data is in one region (other regions hold witnesses only): losing
   * it stops writes and its storage holds every write, so no RPO or RTO holds (recovery.ts).
   */
  readonly allDataIn?: { readonly region: string; readonly witnessRegions: readonly string[] };
}

/** What a what-if's lost leader / write region costs. */
export interface DataLoss {
  /** The region the lost leader (or write region) was in. */
  readonly lostRegion: string;
  /** Set when only the leader's zone was lost and its region is up. */
  readonly lostZone?: string;
  /** Partitions whose leader / write region was lost. */
  readonly partitions: number;
  /** Writes acknowledged in the lost region but not yet replicated (p99 lag to the successor), ms. */
  readonly windowMs: number;
  /** writesPerSec (of those partitions) × the window. */
  readonly writesAtRisk: number;
  /** Time until writes resume, s; absent when no region can take over. */
  readonly resumeAfterSeconds?: number;
  readonly mode: "automatic" | "manual";
  /** Why an operator must promote where the store's failover is otherwise automatic. */
  readonly manualBecause?: string;
  /**
   * Set where nothing takes the writes over by itself (no `resumeAfterSeconds`) because the engine
   * promotes only inside the lost region, yet the live replicas could take them: an operator's
   * promotion, its estimated time (the plan's RTO) and why it is needed.
   */
  readonly byOperator?: { readonly afterSeconds: number; readonly because: string };
  /**
   * Set when no region takes the writes over and the replicas the failures took could acknowledge
   * a write among them (across regions, or a region and a zone, or zones): the failed domains
   * (region codes, zone names) alone hold the newest writes, this far back (the p99 lag to the
   * freshest live replica), until they return.
   */
  readonly held?: {
    readonly domains: readonly string[];
    readonly windowMs: number;
    readonly nearest: string;
  };
}

export interface CallAnalysis {
  readonly to: string;
  readonly path: string;
  /** 1 + retries. */
  readonly attempts: number;
  /** What the call adds to a request, worst over the caller's regions (p99 with every attempt). */
  readonly p99Ms: number;
  readonly p50Ms?: number;
  /** The callee cannot be reached from any of the caller's regions. */
  readonly unavailable?: boolean;
}

export interface ServiceAnalysis {
  readonly name: string;
  readonly path: string;
  /** End-to-end latency from each user origin: network to the nearest service region + own time + calls. */
  readonly latency: LatencyProfile;
  /** Own deployment composed with hard dependencies. */
  readonly availability: number;
  /** Availability of the service's own deployment alone. */
  readonly ownAvailability: number;
  readonly calls: readonly CallAnalysis[];
  readonly unavailable?: boolean;
  /** Pods from their requests (Kubernetes); estimate. */
  readonly costUsdPerMonth?: { readonly replicas: number; readonly egress: number };
  /** A call cycle through this service (first name repeated at the end); broken for the figures. */
  readonly cycle?: readonly string[];
  readonly slo?: { readonly availability?: number | undefined; readonly latencyP99Ms?: number | undefined };
}

export interface StreamAnalysis {
  readonly name: string;
  readonly path: string;
  /** acks=all produce latency from producers' regions. */
  readonly produce: LatencyProfile;
  /** Produce-to-consume p99 (ms); absent when `unavailable` (nothing is delivered). */
  readonly endToEndP99Ms?: number;
  /**
   * The p99 goes through a mirror whose link is at or over capacity: its backlog grows without
   * bound, and the figure is the one after an hour of overload (lag.ts `linkLag`).
   */
  readonly endToEndUnbounded?: true;
  /**
   * The slowest mirror hop a consumer's records come through (one way, the mirroring pipeline,
   * queueing on the link; after an hour's backlog when `unbounded`): no consumer reading the copy
   * lags the source less. Absent when every consumer reads its records where they were produced.
   */
  readonly mirrorLag?: { readonly p99Ms: number; readonly unbounded?: true };
  readonly survival: SurvivalAnalysis;
  readonly availability: number;
  readonly costUsdPerMonth: { readonly replicas: number; readonly egress: number };
  /** No region's cluster can take produces under the applied failures. */
  readonly unavailable?: boolean;
  /** Every declared producer is down: nothing is produced, so nothing is late (no end-to-end figure). */
  readonly noProducer?: boolean;
  /** Consumers with pods up none of which reads a cluster holding some produced records: no end-to-end figure. */
  readonly undelivered?: readonly string[];
  readonly slo?: {
    readonly availability?: number | undefined;
    readonly endToEndP99Ms?: number | undefined;
    readonly consumerLagMs?: number | undefined;
  };
}

export interface LinkLoad {
  readonly from: string;
  readonly to: string;
  readonly mbps: number;
  /** Declared capacity (network.links), if any. */
  readonly capacityMbps?: number;
  /** mbps / capacityMbps. */
  readonly utilisation?: number;
  /** Index into `network.links` of the declaring link. */
  readonly linkIndex?: number;
  readonly contributors: readonly { readonly component: string; readonly mbps: number }[];
  readonly egressUsdPerMonth: number;
}

export interface CostEstimate {
  /** Always an estimate from list prices; says so and names the table. */
  readonly basis: string;
  /** Replicas, brokers, managed-service charges and service pods. */
  readonly replicasUsdPerMonth: number;
  readonly egressUsdPerMonth: number;
  readonly totalUsdPerMonth: number;
}

/** An SLO that the analysed figures do not meet. */
export interface SloViolation {
  readonly component: string;
  /** Spec path of the objective, e.g. `datastores.accounts.slo.writeP99Ms`. */
  readonly path: string;
  readonly objective: string;
  readonly target: number;
  /** The analysed figure; undefined when the component cannot serve at all. */
  readonly actual?: number;
  readonly message: string;
}

/** One difference between a baseline analysis and a what-if analysis (`compareAnalyses`). */
export interface AnalysisChange {
  readonly kind:
    | "slo-broken"
    | "lost-quorum"
    | "data-loss"
    | "regained-quorum"
    | "leader-moved"
    | "unavailable"
    | "latency"
    | "availability"
    | "lag"
    | "link-load";
  /** Component name, or `from → to` for a link. */
  readonly component: string;
  readonly path: string;
  readonly message: string;
  readonly from?: number | string;
  readonly to?: number | string;
}
