/**
 * The engine catalog's contract. An engine is the database or broker a component runs on
 * Kubernetes (`deploy.engine`): it says which replication models and consistency levels it can
 * give, how the declared placement, zones, leader, survival goal and partitions become its own
 * settings, how a member is started, and which metrics it really emits. One file per engine,
 * registered in `registry.ts`; compile/kubernetes, compile/observability and the lab ask the
 * registry and never switch on an engine name themselves.
 */
import type { Placed } from "../compile/kubernetes/placements.js";
import type { PlannedResource } from "../compile/plan.js";
import type { Model, ResolvedDatastore, ResolvedStream } from "../model/types.js";
import type { EngineCapabilities } from "./capabilities.js";

export type { EngineId } from "./ids.js";

import type { EngineId } from "./ids.js";

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
  /** Other binaries the command runs itself (absolute path → Debian package), e.g. Patroni's postgres. */
  readonly binaries?: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Files to write before start: absolute path → content. */
  readonly files: Readonly<Record<string, string>>;
  /** Commands to run (in order, each to completion) before `command`, e.g. `initdb`, `pg_basebackup`. */
  readonly setup: readonly (readonly string[])[];
  readonly clientPort: number;
  readonly peerPort?: number;
  /** Further ports its peers dial (Patroni's REST API, which candidates ask before a promotion). */
  readonly otherPorts?: readonly number[];
  /**
   * Not a data member: part of the control plane the engine's failover relies on (the etcd that
   * Patroni keeps its leader lock in, standing in for an operator's Kubernetes API). Started before
   * the data members, never a client endpoint, and lost with its zone like any member.
   */
  readonly controlPlane?: boolean;
  readonly metrics?: { readonly port: number; readonly path: string };
  /** System user the member (and its setup) runs as; engines such as PostgreSQL refuse root. */
  readonly runAs?: string;
  /** Processes beside the member (exporters), started after it. */
  readonly sidecars?: readonly {
    readonly name: string;
    readonly command: readonly string[];
    readonly env: Readonly<Record<string, string>>;
  }[];
}

/** Where local members live: the caller's address and data folder for each member. */
export interface LocalLayout {
  /** IP address (or host name) the member listens on and others reach it at. */
  address(member: Member): string;
  /** An empty folder owned by the member's user, for its data and config. */
  dataDir(member: Member): string;
  /**
   * CIDRs the members' peers and clients connect from in this run: engines that admit connections
   * by source address (PostgreSQL's pg_hba.conf) trust these, besides the members' own addresses.
   * A flat network (one host, loopback) gives its own block; the lab gives its relays' transport
   * network and its member addresses, since peers and clients reach a member through a relay.
   * Only `local()` reads it: on Kubernetes the pod network is the operator's business.
   */
  readonly networks: readonly string[];
}

/**
 * Service-level indicators as PromQL over metrics a component really emits (an engine's own, the
 * mesh's for services, or the ones a spec declares), every selector carrying `topoplan_component`.
 * A missing indicator means no metric exists for it: its SLO gets no alert, and the
 * `observability-coverage` rule says so.
 */
export interface Indicators {
  /** Requests (or transactions) per second over a window. */
  readonly requestRate?: (window: string) => string;
  /** Failed share of requests over a window. */
  readonly errorRatio?: (window: string) => string;
  /** Mean request latency, seconds, over 5m. */
  readonly avgLatencySeconds?: string;
  /** p99 request latency, seconds, over 5m. */
  readonly p99LatencySeconds?: string;
  /** Replication lag of the most lagging replica, seconds. */
  readonly replicationLagSeconds?: string;
  /** 1 while the cluster has a leader / primary. */
  readonly leaderPresent?: string;
  /**
   * Replicas the topology plans that are not attached to the primary, as the primary counts them
   * (planned minus attached); no series where this region's Prometheus sees no primary. A replica
   * that is not attached reports no lag at all, so a lag SLO alone is silent when every replica
   * is gone (Redis: lag exists only per attached replica; CloudNativePG: a standby cut off reads
   * lag 0).
   */
  readonly replicasDetached?: string;
  /** One series per replica: 1 while its link to the primary is up, 0 while it is down. */
  readonly replicaLinkUp?: string;
  /**
   * Streams: how far the most lagging consumer group is behind, seconds (an estimate where the
   * engine counts lag in messages; see the engine's file).
   */
  readonly consumerLagSeconds?: string;
  /**
   * Streams, where a mirror runs in this region: its per-partition series and how many it has
   * while every task runs. A failed task takes its partitions' series with it while the others'
   * stay, so neither the lag alert nor the no-data alert sees those partitions stop.
   */
  readonly mirrorPartitions?: { readonly series: string; readonly expected: number };
  /**
   * Raw series per SLO whose absence means the data is gone (exporter dead, metric renamed):
   * the no-data alerts are `absent(series)`.
   */
  readonly presence: {
    readonly availability?: string;
    readonly latency?: string;
    readonly replicationLag?: string;
    readonly consumerLag?: string;
  };
}

/** What an engine compiles from, for one region of one component. */
export interface EngineRegionContext {
  readonly model: Model;
  readonly component: EngineComponent;
  /** The component's pods in this region (namespace, deploy settings with the engine's ports). */
  readonly placed: Placed;
  /** Every region of the component, sorted; engines emit cluster-wide Jobs from the first. */
  readonly regions: readonly string[];
}

export interface EngineDefinition {
  readonly id: EngineId;
  readonly capabilities: EngineCapabilities;
  /** Cluster add-ons (operators, CRDs, APIs) the engine's resources need, by name. */
  readonly requires: readonly string[];
  /**
   * "operator": the engine emits custom resources and its operator makes the pods, Services and
   * disruption budgets; "statefulset": topoplan's base resources (Services, PDB, ServiceAccount)
   * plus the engine's StatefulSets and Jobs.
   */
  readonly managedBy: "operator" | "statefulset";
  /**
   * gRPC methods (`/<package>.<Service>/<Method>`) whose calls are streams that stay open (a
   * watch, a lease keep-alive): the mesh routes them without the call's timeout, which Envoy
   * applies to a whole stream and would cut every one of them. @default none
   */
  readonly streamingMethods?: readonly string[];
  /**
   * The Service clients dial in the cluster of `region`, when the engine's operator makes it
   * rather than topoplan (CloudNativePG's `<cluster>-rw`, Strimzi's `<cluster>-kafka-bootstrap`).
   * Its port is the engine's client port. @default topoplan's client Service `<component>`
   */
  readonly clientService?: (component: EngineComponent, region: string) => string;
  /**
   * The serving regions export `clientService` to the clusterset (Multi-Cluster Services), so a
   * client in another region dials `<service>.<namespace>.svc.clusterset.local` (CloudNativePG's
   * primary `-rw`). @default false: a caller outside the serving regions needs a multi-cluster mesh
   */
  readonly clientServiceExported?: boolean;
  /**
   * The regions whose members answer clients (CloudNativePG: only the primary's cluster; the
   * replica clusters are read-only). @default every region the component runs in
   */
  readonly servingRegions?: (component: EngineComponent) => readonly string[];
  /**
   * Ports of the members that clients without an Istio sidecar dial: the operator, and the
   * engine's setup Jobs (which run without one, jobs.ts). The mesh keeps them PERMISSIVE under
   * STRICT mTLS; each must be protected by the engine itself (TLS, client certificates) and by the
   * NetworkPolicies. A function when they depend on the component (MirrorMaker 2's REST API, where
   * a stream is mirrored). @default none
   */
  readonly sidecarlessClients?:
    | readonly SidecarlessClient[]
    | ((component: EngineComponent) => readonly SidecarlessClient[]);
  /**
   * Ports that clients in other regions' clusters dial (Kafka's cross-cluster listener, which
   * MirrorMaker 2 in a mirror region reads): each region runs its own mesh, so their sidecars send
   * plaintext to a host they do not know, and STRICT mTLS would refuse it. Kept PERMISSIVE like
   * `sidecarlessClients`, and protected the same way. @default none
   */
  readonly crossClusterClients?: (component: EngineComponent) => readonly number[];
  /**
   * Whether members in different regions dial each other on `capabilities.ports.peer` (one cluster
   * across regions, or replicas of another region's primary); false for one independent cluster
   * per region (Strimzi Kafka). @default true
   */
  readonly peersAcrossRegions?: boolean;
  /**
   * Further ports the members dial each other on, besides `capabilities.ports.peer` (Redis
   * Sentinel's 26379: failover votes and the primary's address). @default none
   */
  readonly otherPeerPorts?: readonly number[];
  /**
   * Clients connect to the members by the names the members announce (Redis Sentinel's
   * `announce-hostnames`), not only through the client Service: where a caller runs in a region
   * without members, those names must resolve there, so the members announce their clusterset
   * names and the peers Service is exported, as for members in several regions. @default false
   */
  readonly clientsDialAnnouncedNames?: boolean;
  /**
   * The Service clients ask which member to send to, on `discoveryPorts` (Redis:
   * `<component>-sentinel`): exported to the clusterset beside the client Service where a caller
   * runs in a region without members. @default none
   */
  readonly discoveryService?: (component: string) => string;
  /**
   * Ports clients dial besides the client port to find the member to send to (Redis Sentinel's
   * 26379, which names the current primary: a write sent to a replica fails with READONLY). Opened
   * to the callers beside the client port; the engine compiles the Service that serves them.
   * @default none
   */
  readonly discoveryPorts?: readonly number[];
  /**
   * Clients open a connection to each member by the member's own address once connected (a
   * Cassandra driver to every node system.peers lists, by IP; a Redis client to the primary the
   * Sentinels name), not only through the client Service: those connections go to the headless
   * peers Service's endpoints, so the mesh's client policy must name that host too. @default false
   */
  readonly clientsDialMembers?: boolean;
  /**
   * Members that must stay up for the engine to elect a new primary, when its failover has an
   * electorate of its own (Redis: a majority of the Sentinels, one per member). Disruption budgets
   * never leave fewer. @default none: the write and read quorums alone bound the budgets
   */
  readonly failoverQuorum?: (store: ResolvedDatastore) => number;
  /**
   * Operator-managed engines: the name of the pods' metrics port, scraped by a PodMonitor (the
   * operator's Services do not expose it); its number is `capabilities.ports.metrics`.
   * @default scraped through the headless Service's `metrics` port
   */
  readonly podMetricsPort?: string;
  /**
   * An engine whose metrics endpoint serves HTTPS only: the CA Prometheus verifies it with and the
   * name its certificate carries (pods are scraped by IP).
   */
  readonly scrapeTls?: (
    component: EngineComponent,
    namespace: string,
  ) => { readonly caSecret: { readonly name: string; readonly key: string }; readonly serverName: string };
  /** Every metric name the indicators use, as the engine's docs list them (tested against). */
  readonly metricNames: readonly string[];
  /**
   * The indicators, as the Prometheus of `region` sees them (each region's scrapes only its own
   * members); without a region, the component's indicators as a whole (coverage, dashboards).
   */
  readonly indicators: (component: EngineComponent, region?: string) => Indicators;
  /** The Kubernetes resources of one component in one region. */
  readonly compileRegion: (context: EngineRegionContext) => PlannedResource[];
  /**
   * Local processes (Debian binaries) from the same settings; absent where Debian has no package.
   * Listed in start order (control plane, then the primary, then replicas): a runner starts each,
   * waits until its client port accepts connections, then runs the next one's `setup`.
   */
  readonly local?: (model: Model, component: EngineComponent, layout: LocalLayout) => LocalMember[];
}

/** A port of the members that a client without an Istio sidecar dials, and who that client is. */
export interface SidecarlessClient {
  readonly port: number;
  readonly from: string;
}
