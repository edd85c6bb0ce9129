/**
 * The mesh target (Istio): the resilience settings of every declared call, applied at the caller's
 * sidecar, plus strict mTLS. See README.md in this folder for the derivations and their reasons.
 *
 * Hosts and ports are the Services clients really dial (kubernetes/endpoints.ts): topoplan's
 * `<component>` Service, or the one an engine's operator makes (CloudNativePG's `<cluster>-rw`).
 *
 * - VirtualService per (region, caller namespace, callee): one HTTP route per calling service
 *   (matched by `sourceLabels`) with the call's timeout and retries, then a catch-all route.
 *   Istio accepts one mesh VirtualService per host in a namespace's view (IST0109), so calls from
 *   several callers in one namespace share it; `exportTo: ["."]` keeps it to that namespace.
 *   None for a callee whose engine speaks a TCP wire protocol (PostgreSQL, CQL, RESP), or that
 *   declares `protocol: tcp`: Envoy
 *   passes it through as opaque TCP and never applies HTTP routes, so such a VirtualService would
 *   be dead configuration that only looks like protection.
 * - DestinationRule per (region, caller, callee): outlier detection and connection-pool limits,
 *   scoped to the caller's pods by `workloadSelector` (and `exportTo: ["."]`). These apply to TCP
 *   too (connection limits; connect failures count as errors).
 * - ServiceEntry per (region, caller namespace, callee) whose pods run only in other regions:
 *   its exported clusterset host, so that this cluster's sidecars apply the two above to it.
 * - PeerAuthentication STRICT per namespace, plus a workload policy for each component whose pods
 *   clients without a sidecar dial, keeping those ports PERMISSIVE: the port Prometheus (namespace
 *   "monitoring", no sidecar) scrapes, an operator's, a setup Job's.
 */
import type { Analysis } from "../../analysis/types.js";
import { engineOf } from "../../engines/registry.js";
import { routeOf } from "../../model/mesh-calls.js";
import type { Model, ResolvedCall, ResolvedComponent } from "../../model/types.js";
import { byText } from "../../order.js";
import { type ClientEndpoint, clientEndpoint, regionsOf, sidecarlessPorts } from "../kubernetes/index.js";
import {
  commonLabels,
  dnsLabel,
  isKubernetes,
  type KubernetesComponent,
  kubernetesComponents,
  NAME_LABEL,
  namespaceOf,
  plannedManifest,
  plannedManifestLater,
  secondsDuration,
} from "../observability/k8s.js";
import type { PlannedResource } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";

export const TYPES = {
  virtualService: "kubernetes:networking.istio.io/v1beta1:VirtualService",
  destinationRule: "kubernetes:networking.istio.io/v1beta1:DestinationRule",
  peerAuthentication: "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
  serviceEntry: "kubernetes:networking.istio.io/v1beta1:ServiceEntry",
} as const;

/** Envoy retries on these; all are safe to retry for idempotent calls and failed connections. */
export const RETRY_ON = "5xx,reset,connect-failure,refused-stream";

/**
 * For a gRPC callee, also its UNAVAILABLE status: gRPC answers HTTP 200 and carries the failure in
 * `grpc-status`, which `5xx` never sees (Envoy's `x-envoy-retry-grpc-on`, here through Istio's
 * `retryOn`). UNAVAILABLE is gRPC's "transient, retry" code (grpc/grpc doc/statuscodes.md).
 */
export const GRPC_RETRY_ON = `${RETRY_ON},unavailable`;

/** Outlier detection (Istio's own defaults, written out so the plan states them). */
export const OUTLIER = {
  /** @default 5 */
  consecutive5xxErrors: 5,
  /** @default "10s" */
  interval: "10s",
  /** @default "30s" */
  baseEjectionTime: "30s",
  /** Share of a stateless service's endpoints that may be ejected at once. @default 50 */
  serviceMaxEjectionPercent: 50,
} as const;

/** Connection-pool sizing; see {@link connectionLimit}. */
export const POOL = {
  /** Envoy's own circuit-breaker default, used when the caller declares no traffic. @default 1024 */
  defaultLimit: 1024,
  /** Multiple of the worst-case in-flight calls per caller pod. @default 2 */
  headroom: 2,
  /** Never below this many connections / concurrent requests per caller pod. @default 16 */
  minimum: 16,
} as const;

type Service = Extract<KubernetesComponent, { kind: "service" }>;

/** Pure: the same model gives the same resources. */
export function compileMesh(
  model: Model,
  _analysis?: Analysis,
  scope: ComponentScope = EVERY_COMPONENT,
): PlannedResource[] {
  const components = kubernetesComponents(model);
  const byName = new Map<string, KubernetesComponent>(components.map((c) => [c.name, c]));
  const callers = components.filter((c): c is Service => c.kind === "service");
  const resources: PlannedResource[] = [];
  // Where each callee is dialled from each region (the same for every caller there).
  const endpoints = new Map<string, ClientEndpoint>();
  const endpointOf = (callee: KubernetesComponent, region: string) => {
    const key = `${region}\u0000${callee.name}`;
    const known = endpoints.get(key);
    if (known !== undefined) return known;
    const endpoint = clientEndpoint(model, callee, region);
    endpoints.set(key, endpoint);
    return endpoint;
  };

  // (region, caller namespace, callee) → the calls routed by one VirtualService.
  const routed = new Map<
    string,
    {
      region: string;
      namespace: string;
      callee: KubernetesComponent;
      calls: { caller: Service; call: ResolvedCall }[];
    }
  >();
  for (const caller of callers) {
    for (const [calleeName, calls] of callsByCallee(caller)) {
      const callee = byName.get(calleeName);
      // Its route is the callee's, its rules the caller's: neither made when both are out of scope.
      if (callee === undefined || !meshCallee(callee) || !(scope(caller.name) || scope(callee.name)))
        continue;
      const call = routeOf(calls);
      for (const region of caller.regions) {
        // Across clusters the sidecar knows the host only by a ServiceEntry, which needs the
        // protocol: without one, a route or a rule for it would be dead configuration.
        const endpoint = endpointOf(callee, region);
        if (crossesClusters(endpoint) && meshProtocol(callee, endpoint) === undefined) continue;
        const namespace = namespaceOf(model, caller);
        const key = `${region}\u0000${namespace}\u0000${callee.name}`;
        const entry = routed.get(key) ?? { region, namespace, callee, calls: [] };
        entry.calls.push({ caller, call });
        routed.set(key, entry);
        // The route gathers every caller; the rules are this one's.
        if (!scope(caller.name)) continue;
        resources.push(destinationRule(model, region, caller, calls, callee, endpoint));
        if (endpoint.membersHost !== undefined)
          resources.push(
            destinationRule(model, region, caller, calls, callee, endpoint, endpoint.membersHost),
          );
      }
    }
  }
  for (const entry of [...routed.values()]) {
    if (!scope(entry.callee.name)) continue;
    const endpoint = endpointOf(entry.callee, entry.region);
    if (endpoint.httpRoutes) resources.push(virtualService(model, entry, endpoint));
    if (crossesClusters(endpoint)) resources.push(serviceEntry(model, entry, endpoint));
  }
  resources.push(...peerAuthentications(model, components, scope));
  return resources;
}

/** The caller dials the callee's exported name: its pods run in other regions' clusters. */
const crossesClusters = (endpoint: ClientEndpoint) => endpoint.host.endsWith(".svc.clusterset.local");

/**
 * The requests of the callee that stay open, as route matches: an engine's streaming gRPC methods
 * (etcd's watches), a service's declared `streamingPaths`, each exact (`/shop.Stock/Watch` is not
 * `/shop.Stock/WatchHistory`, a unary call keeping its timeout) or, ending in `/`, a prefix.
 */
function streamMatches(callee: KubernetesComponent): { uri: { exact: string } | { prefix: string } }[] {
  const paths =
    callee.kind === "service"
      ? (callee.deploy.streamingPaths ?? [])
      : (engineOf(callee)?.streamingMethods ?? []);
  return paths.map((path) => ({ uri: path.endsWith("/") ? { prefix: path } : { exact: path } }));
}

/** Whether the callee's client port speaks gRPC: a component that says so, or an engine's (etcd). */
function speaksGrpc(callee: KubernetesComponent): boolean {
  return (engineOf(callee)?.capabilities.clientProtocol ?? callee.deploy.protocol) === "grpc";
}

/**
 * The protocol the callee's client port speaks, as a ServiceEntry names it: gRPC where it does
 * (speaksGrpc), else HTTP for a service (its port is named `http`) or a datastore that declares
 * it; undefined when topoplan does not know it (a datastore without an engine that declares
 * none) or it is an opaque TCP wire protocol — a TCP
 * ServiceEntry without a known address would take every connection to that port (Istio listens on
 * 0.0.0.0:<port> for it), so none is made.
 */
function meshProtocol(callee: KubernetesComponent, endpoint: ClientEndpoint): "HTTP" | "GRPC" | undefined {
  if (!endpoint.httpRoutes) return undefined;
  if (speaksGrpc(callee)) return "GRPC";
  return callee.kind === "service" || callee.deploy.protocol === "http" ? "HTTP" : undefined;
}

/**
 * The callee's exported host in the caller's namespace and region, so that this cluster's sidecars
 * know it and apply the call's VirtualService and DestinationRule (each region's Istio is its own
 * mesh: without this entry the sidecar passes the request through untouched). MESH_EXTERNAL: the
 * callee's pods belong to another region's mesh, so the sidecar sends plaintext, which the callee's
 * client port accepts (PERMISSIVE there: kubernetes/endpoints.ts `crossRegionClientPort`).
 * Resolution DNS: Envoy resolves the name as the pod does, to the address the Multi-Cluster
 * Services implementation gives it.
 */
function serviceEntry(
  model: Model,
  entry: { region: string; namespace: string; callee: KubernetesComponent },
  endpoint: ClientEndpoint,
): PlannedResource {
  const { region, namespace, callee } = entry;
  const protocol = meshProtocol(callee, endpoint)!;
  return plannedManifest(region, callee.name, {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "ServiceEntry",
    metadata: {
      name: dnsLabel(callee.name, "clusterset"),
      namespace,
      labels: commonLabels(model, callee.name),
    },
    spec: {
      hosts: [endpoint.host],
      exportTo: ["."],
      location: "MESH_EXTERNAL",
      resolution: "DNS",
      ports: [{ number: endpoint.port, name: protocol.toLowerCase(), protocol }],
    },
  });
}

/** A caller's calls grouped by callee, in declaration order. */
function callsByCallee(caller: Service): Map<string, ResolvedCall[]> {
  const grouped = new Map<string, ResolvedCall[]>();
  for (const call of caller.calls) grouped.set(call.to, [...(grouped.get(call.to) ?? []), call]);
  return grouped;
}

/** HTTP resilience applies to services and datastores on Kubernetes (streams speak their own protocol). */
function meshCallee(component: ResolvedComponent): component is KubernetesComponent {
  return isKubernetes(component) && component.kind !== "stream";
}

function virtualService(
  model: Model,
  entry: {
    region: string;
    namespace: string;
    callee: KubernetesComponent;
    calls: { caller: Service; call: ResolvedCall }[];
  },
  { host, port }: ClientEndpoint,
): PlannedResource {
  const { region, namespace, callee } = entry;
  const name = dnsLabel(callee.name, "routes");
  const header = { apiVersion: "networking.istio.io/v1beta1", kind: "VirtualService", name, namespace };
  return plannedManifestLater(region, callee.name, header, () => {
    const destination = { host, port: { number: port } };
    const retryOn = speaksGrpc(callee) ? GRPC_RETRY_ON : RETRY_ON;
    const streams = streamMatches(callee);
    const calls = [...entry.calls].sort(
      (a, b) => byText(a.caller.name, b.caller.name) || byText(a.call.path, b.call.path),
    );
    return {
      apiVersion: "networking.istio.io/v1beta1",
      kind: "VirtualService",
      metadata: { name, namespace, labels: commonLabels(model, callee.name) },
      spec: {
        hosts: [host],
        exportTo: ["."],
        http: [
          // Streams first, whoever calls: Envoy applies a route's timeout to a whole stream, so
          // the callers' timeouts would cut every watch; "0s" is none.
          ...(streams.length === 0
            ? []
            : [
                {
                  name: "streams",
                  match: streams,
                  route: [{ destination }],
                  timeout: "0s",
                  // Not Istio's default retries either: no caller declared any for a stream.
                  retries: { attempts: 0 },
                },
              ]),
          ...calls.map(({ caller, call }) => ({
            name: dnsLabel("from", caller.name),
            match: [{ sourceLabels: { [NAME_LABEL]: caller.name } }],
            route: [{ destination }],
            timeout: secondsDuration(call.timeoutMs),
            retries: {
              attempts: call.retries,
              ...(call.retries > 0 ? { perTryTimeout: secondsDuration(call.perTryTimeoutMs), retryOn } : {}),
            },
          })),
          // Without a catch-all, requests from other workloads would match no route (HTTP 404).
          { name: "default", route: [{ destination }] },
        ],
      },
    };
  });
}

/**
 * The caller's connection pool and outlier detection towards `host`: the callee's client Service,
 * or (`membersHost`) the headless peers Service behind the connections its clients open to each
 * member. There only the pool applies: they are endpoints of a headless Service, which Istio
 * passes to the address dialled (ORIGINAL_DST), and the driver keeps its own view of which member
 * is down.
 */
function destinationRule(
  model: Model,
  region: string,
  caller: Service,
  calls: readonly ResolvedCall[],
  callee: KubernetesComponent,
  endpoint: ClientEndpoint,
  membersHost?: string,
): PlannedResource {
  const namespace = namespaceOf(model, caller);
  const name =
    membersHost === undefined
      ? dnsLabel(caller.name, "to", callee.name)
      : dnsLabel(caller.name, "to", callee.name, "members");
  const header = { apiVersion: "networking.istio.io/v1beta1", kind: "DestinationRule", name, namespace };
  return plannedManifestLater(region, caller.name, header, () => {
    // Several calls to one callee share the pool: their in-flight requests add up.
    const limit =
      caller.traffic === undefined
        ? POOL.defaultLimit
        : calls.reduce((sum, call) => sum + connectionLimit(caller, call), 0);
    // An open stream (an etcd watch, a declared streaming path) holds one of the sidecar's active
    // requests for as long as it lives, which Little's law over the unary deadlines does not count:
    // once streams filled a sized limit, every further request would fail at once (503 overflow).
    const requests = streamMatches(callee).length > 0 ? Math.max(limit, POOL.defaultLimit) : limit;
    return {
      apiVersion: "networking.istio.io/v1beta1",
      kind: "DestinationRule",
      metadata: { name, namespace, labels: commonLabels(model, caller.name) },
      spec: {
        host: membersHost ?? endpoint.host,
        exportTo: ["."],
        workloadSelector: { matchLabels: { [NAME_LABEL]: caller.name } },
        trafficPolicy: {
          connectionPool: { tcp: { maxConnections: limit }, http: { http2MaxRequests: requests } },
          // Across clusters the sidecar sees one endpoint, the name's one address: nothing to
          // eject it in favour of (Envoy ejects none past maxEjectionPercent; Envoy before 1.27
          // ejected that one, failing every call for baseEjectionTime).
          ...(crossesClusters(endpoint) || membersHost !== undefined
            ? {}
            : {
                outlierDetection: {
                  consecutive5xxErrors: OUTLIER.consecutive5xxErrors,
                  interval: OUTLIER.interval,
                  baseEjectionTime: OUTLIER.baseEjectionTime,
                  maxEjectionPercent: maxEjectionPercent(callee),
                },
              }),
        },
      },
    };
  });
}

/**
 * Connection and concurrent-request limit per caller pod (Envoy circuit breakers are per sidecar).
 * With declared traffic: calls/s per caller pod × attempts × per-try deadline (s) is the in-flight
 * count when every attempt runs to its deadline (Little's law); × headroom, at least the minimum.
 * Without traffic: Envoy's default, 1024.
 */
export function connectionLimit(caller: Service, call: ResolvedCall): number {
  const rps = caller.traffic?.requestsPerSec;
  if (rps === undefined) return POOL.defaultLimit;
  const pods = caller.regions.length * caller.replicasPerRegion;
  const perPod = (rps * call.callsPerRequest) / pods;
  const inFlight = perPod * (1 + call.retries) * (call.perTryTimeoutMs / 1000);
  return Math.max(POOL.minimum, Math.ceil(inFlight * POOL.headroom));
}

/**
 * Never eject more endpoints than the callee can lose and still serve: for a datastore, the
 * replicas beyond its write quorum; for a service, half.
 */
export function maxEjectionPercent(callee: ResolvedComponent): number {
  if (callee.kind === "datastore")
    return Math.floor((100 * (callee.replicas - callee.quorum.write)) / callee.replicas);
  if (callee.kind === "stream")
    return Math.floor((100 * (callee.replicas - callee.minInSync)) / callee.replicas);
  return OUTLIER.serviceMaxEjectionPercent;
}

function peerAuthentications(
  model: Model,
  components: readonly KubernetesComponent[],
  scope: ComponentScope,
): PlannedResource[] {
  const resources: PlannedResource[] = [];
  const namespaces = new Map<string, { region: string; namespace: string }>();
  for (const component of components) {
    const namespace = namespaceOf(model, component);
    // The same ports in every region (they depend on the component and its callers, not the region).
    const ports = scope(component.name) ? sidecarlessPorts(model, component) : [];
    // Every region with its pods: a Kafka stream's mirror regions run a cluster of it too.
    for (const { region } of regionsOf(component)) {
      namespaces.set(`${region}\u0000${namespace}`, { region, namespace });
      resources.push(...sidecarlessPortsPolicy(model, region, namespace, component, ports));
    }
  }
  for (const { region, namespace } of namespaces.values()) {
    resources.push(
      plannedManifest(region, "", {
        apiVersion: "security.istio.io/v1beta1",
        kind: "PeerAuthentication",
        metadata: { name: "mtls-strict", namespace, labels: commonLabels(model, "") },
        spec: { mtls: { mode: "STRICT" } },
      }),
    );
  }
  return resources;
}

/**
 * Workload policy: STRICT, except the ports that clients without a sidecar dial (endpoints.ts
 * `sidecarlessPorts`: the scraped port, an operator's, a setup Job's), as container ports (Istio
 * applies port-level mTLS to the workload's port, also when no Service exposes it). None when
 * there are no such ports: the namespace's STRICT policy already covers the component, and the
 * Istio sidecar's own metrics port 15090 is never intercepted, so no policy applies to it.
 */
function sidecarlessPortsPolicy(
  model: Model,
  region: string,
  namespace: string,
  component: KubernetesComponent,
  ports: readonly number[],
): PlannedResource[] {
  if (ports.length === 0) return [];
  const name = dnsLabel(component.name, "mtls");
  return [
    plannedManifest(region, component.name, {
      apiVersion: "security.istio.io/v1beta1",
      kind: "PeerAuthentication",
      metadata: { name, namespace, labels: commonLabels(model, component.name) },
      spec: {
        selector: { matchLabels: { [NAME_LABEL]: component.name } },
        mtls: { mode: "STRICT" },
        portLevelMtls: Object.fromEntries(ports.map((port) => [String(port), { mode: "PERMISSIVE" }])),
      },
    }),
  ];
}
