import type { z } from "zod";
import type { Catalog } from "../catalog/catalog.js";
import type { EngineId } from "../engines/ids.js";
import type { Metrics as MetricsSchema } from "../spec/schema/common.js";
import type { Datastore, Service, Stream, Topology } from "../spec/schema/topology.js";
import type { EngineTraits } from "./engine-traits.js";

/**
 * The resolved model: a validated topology with defaults applied, the catalog looked up and
 * partitions × replicas expanded to placements. Immutable; every later stage reads only this.
 */
export interface Model {
  readonly name: string;
  readonly description?: string;
  /** Where requests come from, shares summing to 1, sorted by region. */
  readonly users: readonly UserOrigin[];
  readonly catalog: Catalog;
  readonly settings: ModelSettings;
  readonly links: readonly ResolvedLink[];
  readonly datastores: readonly ResolvedDatastore[];
  readonly services: readonly ResolvedService[];
  readonly streams: readonly ResolvedStream[];
  /** Every region any component or user touches, sorted. */
  readonly regions: readonly string[];
  readonly policies: Topology["policies"];
  /** The validated topology the model was resolved from. */
  readonly topology: Topology;
}

export interface UserOrigin {
  readonly region: string;
  readonly share: number;
}

export interface ModelSettings {
  /** Flat override: p99 = p50 × tailFactor for a network round trip (else measured per-pair jitter). */
  readonly tailFactor?: number;
  /** p99 = processingMs × this for a service's own time. */
  readonly processingTailFactor: number;
  readonly crossZoneRttMs: number;
  readonly zoneFailureProbability: number;
  readonly regionFailureProbability: number;
  /** Per-domain overrides of the two probabilities above. */
  readonly regionFailureRates: Readonly<Record<string, number>>;
  readonly zoneFailureRates: Readonly<Record<string, number>>;
  /** Common-mode unavailability: no component is more available than 1 − this. */
  readonly commonModeProbability: number;
}

export interface ResolvedLink {
  /** Sorted pair. */
  readonly between: readonly [string, string];
  readonly bandwidthMbps?: number;
  readonly rttMs: number;
  /** Declared USD per GB over the link, either direction (overrides the catalog's price). */
  readonly egressUsdPerGb?: number;
  /** Index in `network.links`, for finding paths. */
  readonly index: number;
}

/** The metrics a component's indicators query, every default filled in (resolve.ts). */
export type Metrics = z.output<typeof MetricsSchema> & { readonly errorSelector: string };

type SpecDeploy = Datastore["deploy"];
/** Kubernetes deploy settings with the engine resolved (declared or recognised from the image) and an image. */
export type ResolvedKubernetesDeploy = Omit<
  Extract<SpecDeploy, { target: "kubernetes" }>,
  "image" | "engine"
> & {
  readonly image: string;
  readonly engine?: EngineId;
};
export type ResolvedDeploy = Exclude<SpecDeploy, { target: "kubernetes" }> | ResolvedKubernetesDeploy;

export type ComponentKind = "datastore" | "service" | "stream";

interface ComponentBase {
  readonly name: string;
  /** Spec path, e.g. `datastores.accounts`. */
  readonly path: string;
  readonly residency?: readonly string[];
  readonly metrics: Metrics;
  /** True when the spec names its metrics (`observability.metrics`); else the defaults apply. */
  readonly metricsDeclared: boolean;
  readonly chaos: { readonly enabled: boolean; readonly schedule: string };
}

/**
 * voter: votes and holds data, may lead; readOnly: holds data, serves stale reads, never votes;
 * witness: votes, holds no readable data, never leads.
 */
export type ReplicaRole = "voter" | "readOnly" | "witness";

/** A replica position: which region and zone holds it, and its role (voter when absent). */
export interface ReplicaSlot {
  readonly region: string;
  /** Its zone; for a zone-spanning replica, the region's first zone, named only for reports. */
  readonly zone: string;
  readonly role?: ReplicaRole;
  /**
   * A managed regional service's replica (DynamoDB table, S3 bucket): it keeps its data in every
   * zone of its region and is lost only with the region (catalog ZONE_SPANNING_SERVICES).
   */
  readonly spansZones?: true;
}

/**
 * Partitions that share one placement (same leader, same zones). Zones rotate with the partition
 * number so load spreads over a region's zones; the set of distinct groups stays small.
 */
export interface PlacementGroup {
  /** Partition numbers in this group, ascending. */
  readonly partitions: readonly number[];
  readonly leader: ReplicaSlot;
  /** Every replica of the partition, leader included, sorted by region then zone. */
  readonly replicas: readonly ReplicaSlot[];
}

export interface RegionPlacement {
  readonly region: string;
  /** All roles together. */
  readonly replicas: number;
  readonly voters: number;
  readonly readOnly: number;
  readonly witnesses: number;
  /** Zones replicas may use in this region. */
  readonly zones: readonly string[];
}

export interface ResolvedDatastore extends ComponentBase {
  readonly kind: "datastore";
  readonly replication: Datastore["replication"];
  readonly consistency: NonNullable<Datastore["consistency"]>;
  readonly partitions: Datastore["partitions"];
  readonly replicas: number;
  /** Sorted by region. */
  readonly placement: readonly RegionPlacement[];
  /** True when the planner chose the placement (`placement: "auto"`). */
  readonly autoPlaced: boolean;
  readonly regions: readonly string[];
  /** Preferred leader / primary region. */
  readonly leader: string;
  /** Regions the leader may move to (declared `leaderRegions`, else every region with a voter). */
  readonly leaderRegions: readonly string[];
  /** How a lost leader is replaced, with the default's source when not declared. */
  readonly failover: ResolvedFailover;
  /** How the engine serves strong reads (src/model/engine-traits.ts): `lease` unless the engine says otherwise. */
  readonly strongRead: EngineTraits["strongRead"];
  /** Whether leadership returns to `leader` after a failover (true unless the engine says otherwise). */
  readonly leaderPreference: boolean;
  /** Without leader preference, whether its own member or its region keeps a leader in place (engine-traits.ts). */
  readonly incumbency: EngineTraits["incumbency"];
  /** Whether electing a new leader needs a majority of all members (engine-traits.ts). */
  readonly promotionNeedsMajority: boolean;
  /** Whether a primary cut off from the members that promote another keeps taking writes (engine-traits.ts). */
  readonly cutOffPrimaryKeepsWriting: boolean;
  /** Whether an automatic failover stays inside `leader`'s region (false unless the engine says so). */
  readonly failoverInLeaderRegion: boolean;
  /** Whether a write crosses once per other region, passed on there (false unless the engine says so). */
  readonly wanCopyPerRegion: boolean;
  /** Whether clients read through the primary whatever the consistency (false unless the engine says so). */
  readonly readsAtPrimary: boolean;
  /**
   * Whether a client's request enters at any member the client Service picks (false unless the
   * engine says so): a Kubernetes client with no member in its region dials the clusterset name,
   * which spreads its connections over every member region.
   */
  readonly entersAtAnyMember: boolean;
  /** How clients reach the primary (src/model/engine-traits.ts): `no` unless the engine says so, `itself` without one. */
  readonly findsPrimary: EngineTraits["findsPrimary"];
  /** Whether a Kubernetes client in a member region dials its cluster's own client Service (a store on Kubernetes). */
  readonly localClientService: boolean;
  /** Regions that accept writes: the leader, every leader of a multi-leader store, or every region (leaderless). */
  readonly writeRegions: readonly string[];
  /** Replicas that must acknowledge a write / answer a read. */
  readonly quorum: { readonly write: number; readonly read: number };
  readonly sync: Datastore["sync"];
  readonly survive: Datastore["survive"];
  readonly backupRegions: readonly string[];
  readonly traffic?: NonNullable<Datastore["traffic"]>;
  readonly slo: NonNullable<Datastore["slo"]>;
  readonly deploy: ResolvedDeploy;
  readonly groups: readonly PlacementGroup[];
}

export interface ResolvedFailover {
  readonly mode: "automatic" | "manual";
  readonly rtoSeconds: number;
  /** The soonest writes can resume, s, where the engine's failure detector states it. */
  readonly earliestSeconds?: number;
  /** Where the figure comes from (the spec, or the default's public source). */
  readonly source: string;
  /**
   * When the leader's zone is lost and its region is up, if that differs (a managed service's own
   * in-cluster failover: src/catalog/data/replication.ts IN_REGION_FAILOVER); else as above.
   */
  readonly inRegion?: Omit<ResolvedFailover, "inRegion" | "earliestSeconds">;
}

export interface ResolvedCall {
  readonly to: string;
  readonly targetKind: ComponentKind;
  readonly op: "read" | "write" | "produce" | "consume" | "request";
  readonly timeoutMs: number;
  readonly perTryTimeoutMs: number;
  readonly retries: number;
  readonly backoff?: NonNullable<Service["calls"][number]["backoff"]>;
  readonly hard: boolean;
  readonly callsPerRequest: number;
  /** e.g. `services.api.calls[0]` */
  readonly path: string;
}

export interface ResolvedService extends ComponentBase {
  readonly kind: "service";
  readonly regions: readonly string[];
  readonly replicasPerRegion: number;
  /** Zones the service's pods spread over, per region. */
  readonly zones: Readonly<Record<string, readonly string[]>>;
  readonly processingMs: number;
  readonly calls: readonly ResolvedCall[];
  /**
   * It consumes a stream, no service calls it and it declares no traffic: its work arrives as
   * records, not as requests, so the mesh's request metrics never see it
   * (src/compile/observability/indicators.ts).
   */
  readonly streamWorker: boolean;
  readonly traffic?: NonNullable<Service["traffic"]>;
  readonly slo: NonNullable<Service["slo"]>;
  readonly deploy: ResolvedDeploy;
}

export interface ResolvedStream extends ComponentBase {
  readonly kind: "stream";
  /** Regions with a cluster; each replicates `replicas` ways across its zones. */
  readonly regions: readonly string[];
  readonly zones: Readonly<Record<string, readonly string[]>>;
  /**
   * Metadata quorum members per cluster, dealt round-robin over its sorted zones (the engine's
   * `metadataQuorum`: Kafka's KRaft controllers); absent where the stream's deploy has none we run.
   */
  readonly metadataQuorum?: number;
  readonly partitions: number;
  /** The record key, when records are keyed (their partition is hash(key) mod partitions). */
  readonly key?: string;
  readonly replicas: number;
  readonly minInSync: number;
  readonly delivery: Stream["delivery"];
  readonly idempotentProducers: boolean;
  readonly transactions: boolean;
  readonly uncleanLeaderElection: boolean;
  /** Commit interval consumers/transactions wait for, ms (0: not waited for). */
  readonly commitIntervalMs: number;
  /** Regions receiving a mirrored copy of every region's records. */
  readonly mirrorRegions: readonly string[];
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly traffic?: NonNullable<Stream["traffic"]>;
  readonly retentionHours: number;
  readonly slo: NonNullable<Stream["slo"]>;
  readonly deploy: ResolvedDeploy;
}

export type ResolvedComponent = ResolvedDatastore | ResolvedService | ResolvedStream;
