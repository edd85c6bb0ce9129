import type { z } from "zod";
import type { Catalog } from "../catalog/catalog.js";
import type { EngineId } from "../engines/ids.js";
import type { Metrics as MetricsSchema } from "../spec/schema/common.js";
import type { Datastore, Service, Stream, Topology } from "../spec/schema/topology.js";

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
  /** p99 = p50 × tailFactor for a network round trip. */
  readonly tailFactor: number;
  readonly crossZoneRttMs: number;
  readonly zoneFailureProbability: number;
  readonly regionFailureProbability: number;
}

export interface ResolvedLink {
  /** Sorted pair. */
  readonly between: readonly [string, string];
  readonly bandwidthMbps?: number;
  readonly rttMs: number;
  /** Index in `network.links`, for finding paths. */
  readonly index: number;
}

export type Metrics = z.output<typeof MetricsSchema>;

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

/** A replica position: which region and zone holds it. */
export interface ReplicaSlot {
  readonly region: string;
  readonly zone: string;
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
  readonly replicas: number;
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
  readonly traffic?: NonNullable<Service["traffic"]>;
  readonly slo: NonNullable<Service["slo"]>;
  readonly deploy: ResolvedDeploy;
}

export interface ResolvedStream extends ComponentBase {
  readonly kind: "stream";
  /** Regions with a cluster; each replicates `replicas` ways across its zones. */
  readonly regions: readonly string[];
  readonly zones: Readonly<Record<string, readonly string[]>>;
  readonly partitions: number;
  readonly replicas: number;
  readonly minInSync: number;
  readonly delivery: Stream["delivery"];
  readonly idempotentProducers: boolean;
  readonly transactions: boolean;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly traffic?: NonNullable<Stream["traffic"]>;
  readonly retentionHours: number;
  readonly slo: NonNullable<Stream["slo"]>;
  readonly deploy: ResolvedDeploy;
}

export type ResolvedComponent = ResolvedDatastore | ResolvedService | ResolvedStream;
