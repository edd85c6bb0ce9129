/**
 * Where a component is reached: the one answer the NetworkPolicies, the mesh and the monitors
 * share, so that a rule, a route and a scrape never name different ports.
 *
 * - {@link clientEndpoint}: the Service a caller in a region dials (topoplan's `<component>`, or
 *   the one the engine's operator makes), the port its pods serve clients on, and the regions
 *   whose pods answer that caller;
 * - {@link scrapeEndpoint}: the port and path Prometheus scrapes;
 * - {@link sidecarlessPorts}: the ports of the component's pods that clients without an Istio
 *   sidecar of this cluster's mesh dial (Prometheus, an operator, setup Jobs, other regions).
 *
 * With an engine, `deploy.port`, `peerPort` and `metricsPort` are ignored (docs/engines.md): the
 * answers come from the engine catalog (src/engines).
 */
import { calledFromOtherRegions } from "../../engines/members.js";
import { engineOf } from "../../engines/registry.js";
import type { EngineDefinition } from "../../engines/types.js";
import type { Model, ResolvedComponent } from "../../model/types.js";
import { byText } from "../../order.js";
import { ISTIO_SIDECAR_METRICS, type KubernetesDeploy } from "./constants.js";
import { listeningDeploy, namespaceOf, regionsOf } from "./placements.js";
import { metricsPortName } from "./pod.js";
import { objectNames } from "./workloads.js";

/** A component deployed to Kubernetes. */
export type OnKubernetes = ResolvedComponent & { readonly deploy: KubernetesDeploy };

export interface ClientEndpoint {
  /** The Service's name, in `namespace`. */
  readonly service: string;
  readonly namespace: string;
  /** `<service>.<namespace>.svc.cluster.local`. */
  readonly host: string;
  /** Port of the Service and of the pods behind it. */
  readonly port: number;
  /** Further ports the caller dials on the same pods to find the member to send to (Redis Sentinel's). */
  readonly discoveryPorts: readonly number[];
  /** The host of the Service that serves them (Redis: `<component>-sentinel`), by the same domain rule. */
  readonly discoveryHost?: string;
  /**
   * The headless peers Service's host, when the engine's clients dial members directly
   * (`clientsDialMembers`) and the caller is in a serving region (from another region they dial
   * the members' clusterset names, which no one host covers).
   */
  readonly membersHost?: string;
  /**
   * Regions whose pods answer this caller: the caller's own when its pods serve clients, else
   * every serving region (the call crosses regions).
   */
  readonly regions: readonly string[];
  /**
   * False when the port is known to carry a protocol the Istio sidecar passes through as opaque
   * TCP (an engine's wire protocol, or a datastore's declared `protocol: tcp`), so HTTP routes
   * cannot apply; true otherwise (services, and datastores whose protocol may be HTTP).
   */
  readonly httpRoutes: boolean;
}

function engineFor(component: ResolvedComponent): EngineDefinition | undefined {
  return component.kind === "service" ? undefined : engineOf(component);
}

/**
 * A single-leader store whose clients find and dial the primary themselves, wherever it is and
 * wherever failover moves it, rather than through a Service that routes to it (the model's
 * `findsPrimary`): one topoplan runs without an engine (the clients know the members), and Redis
 * (a Sentinel names the primary, by the name it announces; the local members may all be
 * replicas, which refuse writes).
 */
export function dialsPrimaryItself(component: ResolvedComponent | undefined): boolean {
  return (
    component?.kind === "datastore" &&
    component.deploy.target === "kubernetes" &&
    component.findsPrimary !== "no"
  );
}

/** Regions whose pods answer clients: the engine's (CloudNativePG: the primary's), else every region with pods. */
export function servingRegions(component: OnKubernetes): string[] {
  const engine = engineFor(component);
  const serving =
    component.kind !== "service" && engine?.servingRegions !== undefined
      ? [...engine.servingRegions(component)]
      : regionsOf(component).map((r) => r.region);
  return serving.sort(byText);
}

/**
 * Where a component's clients are served (sorted), and whether its client Service is exported to
 * the clusterset, so that a caller in another region has a name to dial (see {@link clientEndpoint}).
 */
export function clientReach(component: OnKubernetes): {
  readonly serving: string[];
  readonly exported: boolean;
} {
  const engine = engineFor(component);
  return {
    serving: servingRegions(component),
    // An engine's that exports its client Service, or topoplan's own `<component>` Service
    // (exported where it is called from another region: crossRegionClientPort).
    exported: engine?.clientServiceExported === true || ownClientService(component),
  };
}

/** The Service and port a client of `component` running in `callerRegion` uses. */
export function clientEndpoint(model: Model, component: OnKubernetes, callerRegion: string): ClientEndpoint {
  const engine = engineFor(component);
  const store = component.kind === "service" ? undefined : component;
  const { serving, exported } = clientReach(component);
  const regions = serving.includes(callerRegion) ? [callerRegion] : serving;
  const region = regions[0] ?? callerRegion;
  const service =
    store !== undefined && engine?.clientService !== undefined
      ? engine.clientService(store, region)
      : objectNames(component.name).service;
  const namespace = namespaceOf(model, component.deploy);
  // From outside the serving regions the cluster-local name does not exist; an exported one does.
  const domain = exported && !serving.includes(callerRegion) ? "clusterset" : "cluster";
  return {
    service,
    namespace,
    host: `${service}.${namespace}.svc.${domain}.local`,
    port: listeningDeploy(component.deploy).port,
    discoveryPorts: engine?.discoveryPorts ?? [],
    ...(engine?.discoveryService === undefined
      ? {}
      : { discoveryHost: `${engine.discoveryService(component.name)}.${namespace}.svc.${domain}.local` }),
    ...(engine?.clientsDialMembers === true && serving.includes(callerRegion)
      ? { membersHost: `${objectNames(component.name).peers}.${namespace}.svc.cluster.local` }
      : {}),
    regions,
    httpRoutes: (engine?.capabilities.clientProtocol ?? component.deploy.protocol) !== "tcp",
  };
}

export interface ScrapeEndpoint {
  /** A PodMonitor scrapes a container port of the pods; a ServiceMonitor the headless Service's port. */
  readonly monitor: "PodMonitor" | "ServiceMonitor";
  readonly portName: string;
  /** The container port Prometheus connects to. */
  readonly port: number;
  readonly path: string;
  /** Served by the Istio sidecar itself, outside mTLS (see {@link ISTIO_SIDECAR_METRICS}). */
  readonly bySidecar: boolean;
}

/**
 * How Prometheus scrapes a component: services without declared metrics on their Istio sidecar
 * (the mesh's standard metrics); an operator-managed engine on its pods' metrics port (its
 * Services do not expose it); everything else through the headless Service's metrics port (the
 * engine's metrics port and path, or the declared ones).
 */
export function scrapeEndpoint(component: OnKubernetes): ScrapeEndpoint {
  if (component.kind === "service" && !component.metricsDeclared)
    return {
      monitor: "PodMonitor",
      portName: ISTIO_SIDECAR_METRICS.portName,
      port: ISTIO_SIDECAR_METRICS.port,
      path: ISTIO_SIDECAR_METRICS.path,
      bySidecar: true,
    };
  const engine = engineFor(component);
  if (engine?.podMetricsPort !== undefined)
    return {
      monitor: "PodMonitor",
      portName: engine.podMetricsPort,
      port: engine.capabilities.ports.metrics,
      path: engine.capabilities.metricsPath,
      bySidecar: false,
    };
  const deploy = listeningDeploy(component.deploy);
  return {
    monitor: "ServiceMonitor",
    portName: metricsPortName({ kind: component.kind, deploy, peerPort: deploy.peerPort ?? deploy.port }),
    port: deploy.metricsPort,
    path: engine?.capabilities.metricsPath ?? component.metrics.path ?? "/metrics",
    bySidecar: false,
  };
}

/**
 * Ports of the component's pods that clients without an Istio sidecar dial, sorted: the scraped
 * port (Prometheus runs outside the mesh) unless the sidecar serves it, the engine's sidecarless
 * clients (its operator, its setup Jobs), and, for an engine cluster that spans regions, the port
 * members of other regions dial: each region's istiod knows only its own cluster, so a sidecar
 * sends to a remote member's address in plaintext and STRICT mTLS would refuse it
 * (src/compile/mesh/README.md says which engines encrypt that traffic themselves); likewise the
 * client port callers in other regions dial ({@link crossRegionClientPort}) and an engine's ports
 * for clients in other regions' clusters (Kafka's mirror listener).
 */
export function sidecarlessPorts(model: Model, component: OnKubernetes): number[] {
  const scrape = scrapeEndpoint(component);
  const engine = engineFor(component);
  const declared = engine?.sidecarlessClients ?? [];
  const clients =
    typeof declared === "function" ? (component.kind === "service" ? [] : declared(component)) : declared;
  const acrossRegions = peersAcrossClusters(model, component) ? memberPorts(component) : [];
  const fromOtherRegions = crossRegionClientPort(model, component);
  const ports = new Set([
    ...(scrape.bySidecar ? [] : [scrape.port]),
    ...clients.map((c) => c.port),
    ...(component.kind === "service" ? [] : (engine?.crossClusterClients?.(component) ?? [])),
    ...acrossRegions,
    ...(fromOtherRegions === undefined ? [] : [fromOtherRegions]),
  ]);
  return [...ports].sort((a, b) => a - b);
}

/**
 * Whether clients dial topoplan's own `<component>` Service: no engine, or an engine whose pods
 * topoplan runs and that names no client Service of its own (an operator's, CloudNativePG's `-rw`).
 */
function ownClientService(component: ResolvedComponent): boolean {
  const engine = engineFor(component);
  return engine === undefined || (engine.clientService === undefined && engine.managedBy !== "operator");
}

/**
 * The client port that a caller in another region dials: some caller runs in a region where the
 * component serves no clients, so the call crosses clusters, to the component's client Service
 * exported to the clusterset (`<service>.<namespace>.svc.clusterset.local`, Kubernetes Multi-Cluster
 * Services): topoplan's own `<component>` (ownClientService), or an engine's that it exports
 * (CloudNativePG's `-rw`, src/engines/postgresql.ts). Each region's Istio is its own mesh, so the
 * caller's sidecar sends the request unencrypted to a host it does not know: the port stays
 * PERMISSIVE (like an engine's member ports across regions). Undefined when every caller is served
 * at home, or the engine's client Service is not exported.
 */
export function crossRegionClientPort(model: Model, component: OnKubernetes): number | undefined {
  const engine = engineFor(component);
  if (!ownClientService(component) && engine?.clientServiceExported !== true) return undefined;
  return calledFromOtherRegions(model, component.name, servingRegions(component))
    ? listeningDeploy(component.deploy).port
    : undefined;
}

/**
 * The ports a component's members dial each other on: an engine's peer port and any further ones
 * (Redis Sentinel); without an engine, the declared peer port (`deploy.peerPort`, else `port`).
 */
export function memberPorts(component: OnKubernetes): number[] {
  const engine = engineFor(component);
  if (engine === undefined) return [component.deploy.peerPort ?? component.deploy.port];
  return [engine.capabilities.ports.peer, ...(engine.otherPeerPorts ?? [])];
}

/**
 * Whether members in several regions dial each other across clusters: a datastore spanning regions,
 * unless its engine keeps a cluster per region. A datastore without an engine counts: topoplan does
 * not set up its clustering, but its image may (by the clusterset names its peers Service exports),
 * and the analysis counts its replicas in every region as one store. Streams run a cluster per region.
 */
export function peersAcrossRegions(component: OnKubernetes): boolean {
  if (component.kind !== "datastore" || component.regions.length < 2) return false;
  return engineFor(component)?.peersAcrossRegions !== false;
}

/**
 * Whether the members are dialled by their clusterset names, so their peers Service is exported
 * and their ports take plaintext from other clusters: members in several regions
 * (peersAcrossRegions), or clients that dial the names the members announce
 * (`clientsDialAnnouncedNames`: Redis) running in a region without members.
 */
export function peersAcrossClusters(model: Model, component: OnKubernetes): boolean {
  if (peersAcrossRegions(component)) return true;
  const engine = engineFor(component);
  return (
    engine?.clientsDialAnnouncedNames === true &&
    calledFromOtherRegions(model, component.name, servingRegions(component))
  );
}

/**
 * The Services a caller in a region without members dials, to export to the clusterset: the
 * client Service (crossRegionClientPort) and the engine's discovery Service (Redis Sentinel's).
 */
export function servicesForCallersAway(model: Model, component: OnKubernetes): string[] {
  if (crossRegionClientPort(model, component) === undefined) return [];
  const discovery = engineFor(component)?.discoveryService?.(component.name);
  return [objectNames(component.name).service, ...(discovery === undefined ? [] : [discovery])];
}
