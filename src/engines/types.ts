/**
 * The engine catalog's contract. An engine is the database or broker a component runs on
 * Kubernetes (`deploy.engine`): it says which replication models and consistency levels it can
 * give, how the declared placement, zones, leader, survival goal and partitions become its own
 * settings, how a member is started, and which metrics it really emits. One file per engine,
 * registered in `registry.ts`; compile/kubernetes, compile/observability and the lab ask the
 * registry and never switch on an engine name themselves.
 */
import type { Model, ResolvedDatastore, ResolvedStream } from "../model/types.js";
import type { PlannedResource } from "../compile/plan.js";

export const ENGINE_IDS = ["cockroachdb", "postgresql", "etcd", "cassandra", "redis", "kafka"] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

export type EngineComponent = ResolvedDatastore | ResolvedStream;

/** One member (pod / process) of an engine cluster. */
export interface Member {
  /** Stable member name: the pod name `<statefulset>-<ordinal>`. */
  readonly name: string;
  readonly region: string;
  readonly zone: string;
  /** Ordinal inside its region's StatefulSet. */
  readonly ordinal: number;
  /** Role the engine gives it at start (`primary` / `replica` for primary-replica engines). */
  readonly role?: "primary" | "replica";
}

/**
 * A member as a local process, for tests and `topoplan lab`: the same settings the compiler puts in
 * the manifests, with host names mapped to the addresses the caller gives and paths to its folders.
 */
export interface LocalMember {
  readonly member: Member;
  /** Debian package that provides `command[0]`. */
  readonly debianPackage: string;
  /** Absolute binary path followed by its arguments. */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Files to write before start: absolute path → content. */
  readonly files: Readonly<Record<string, string>>;
  /** Commands to run (in order, each to completion) before `command`, e.g. `initdb`, `pg_basebackup`. */
  readonly setup: readonly (readonly string[])[];
  readonly clientPort: number;
  readonly peerPort?: number;
  readonly metrics?: { readonly port: number; readonly path: string };
}

/** Where local members live: the caller's address and data folder for each member. */
export interface LocalLayout {
  /** IP address (or host name) the member listens on and others reach it at. */
  address(member: Member): string;
  /** An empty folder owned by the member's user, for its data and config. */
  dataDir(member: Member): string;
}

/** PromQL over metrics the engine really emits, each citing where the engine documents it. */
export interface EngineSignals {
  /** 1 per member that is up and serving; its absence means the exporter or member is gone. */
  readonly up: string;
  /** Requests (or commits) per second, for burn-rate guards. */
  readonly requestRate?: (window: string) => string;
  /** Error ratio over a window, where the engine counts failed requests. */
  readonly errorRatio?: (window: string) => string;
  /** p99 request / commit latency in seconds. */
  readonly p99LatencySeconds?: string;
  /** Replication lag in seconds (max over members). */
  readonly replicationLagSeconds?: string;
  /** 1 while a leader / primary exists. */
  readonly leaderPresent?: string;
}

export interface EngineDefinition {
  readonly id: EngineId;
  readonly title: string;
  /** Pinned official image. */
  readonly image: string;
  readonly kinds: readonly ("datastore" | "stream")[];
  readonly replication: readonly ResolvedDatastore["replication"][];
  readonly consistency: readonly ResolvedDatastore["consistency"][];
  /** Cluster add-ons (operators, CRDs) the engine needs, by name. */
  readonly requires: readonly string[];
  readonly ports: { readonly client: number; readonly peer?: number };
  readonly metricsEndpoint: { readonly port: number; readonly path: string };
  /** Every metric name the signals use, with the doc that lists it (tested against). */
  readonly metricNames: readonly string[];
  readonly signals: (component: EngineComponent) => EngineSignals;
  /** The Kubernetes resources of one component, every region. */
  readonly compile: (model: Model, component: EngineComponent) => PlannedResource[];
  /** Local processes (Debian binaries) from the same settings; absent where Debian has no package. */
  readonly local?: (model: Model, component: EngineComponent, layout: LocalLayout) => LocalMember[];
}
