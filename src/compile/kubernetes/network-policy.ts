import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import type { z } from "zod";
import { dataRegions } from "../../analysis/destinations.js";
import { servedByLeader } from "../../model/placement.js";
import type { Model, ResolvedCall, ResolvedComponent, ResolvedDatastore } from "../../model/types.js";
import { byText } from "../../order.js";
import type { AwsDeploy } from "../../spec/schema/deploy.js";
import { kubernetesName } from "../names.js";
import type { PlannedResource } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";
import {
  DEFAULT_INGRESS_NAMESPACE,
  DNS,
  ISTIOD,
  type KubernetesOptions,
  LINK_LOCAL_CIDR,
  MONITORING_NAMESPACE,
  NOTE_ANNOTATION,
} from "./constants.js";
import {
  clientEndpoint,
  dialsPrimaryItself,
  memberPorts,
  type OnKubernetes,
  scrapeEndpoint,
  servingRegions,
} from "./endpoints.js";
import { componentLabels, planned, plannedLater, selectorLabels, sharedLabels } from "./manifest.js";
import { type Placed, placements } from "./placements.js";

/**
 * NetworkPolicies: deny everything, then allow exactly
 *   - DNS to kube-system,
 *   - each declared call (service `calls`, stream `producers`/`consumers`): egress on the caller,
 *     ingress on the callee, on the port its clients use (endpoints.ts: the engine's, with an engine),
 *   - replication between the pods of one datastore or stream on the peer port,
 *   - cross-region replication and cross-region calls on the one port concerned, to/from the other
 *     regions' CIDRs (`regionCidrs` option), else to/from anywhere but link-local,
 *   - calls to AWS-managed or external components: egress on that service's port to anywhere but link-local,
 *   - metric scraping from the monitoring namespace on the port scraped (endpoints.ts),
 *   - entry services (nothing calls them) on their port from the ingress gateway namespace.
 * See README.md "NetworkPolicies" for why cross-cluster traffic cannot be pinned to pods.
 */

/** Who is on the other side of a rule. */
export type Endpoint =
  | { readonly kind: "pods"; readonly namespace: string; readonly component: string }
  | { readonly kind: "namespace"; readonly namespace: string; readonly podLabels?: Record<string, string> }
  | { readonly kind: "regions"; readonly regions: readonly string[] }
  | { readonly kind: "anywhere" };

export interface Rule {
  readonly peer: Endpoint;
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
}

export interface ComponentRules {
  readonly placed: Placed;
  readonly ingress: Rule[];
  readonly egress: Rule[];
}

/** Port a client uses to reach an AWS-managed service. */
const AWS_SERVICE_PORTS: Readonly<Record<z.output<typeof AwsDeploy>["service"], number>> = {
  dynamodb: 443,
  s3: 443,
  "aurora-postgresql": 5432,
  // MSK with IAM authentication over TLS.
  msk: 9098,
};

/** Components not deployed by topoplan are assumed to speak HTTPS. */
const EXTERNAL_PORT = 443;

/** Declared caller → callee pairs: service calls plus stream producers and consumers, deduplicated, sorted. */
export function declaredCalls(model: Model): { from: string; to: string }[] {
  const pairs = new Set<string>();
  for (const service of model.services)
    for (const call of service.calls) pairs.add(`${service.name}\0${call.to}`);
  for (const stream of model.streams)
    for (const client of [...stream.producers, ...stream.consumers]) pairs.add(`${client}\0${stream.name}`);
  return [...pairs].sort().map((pair) => {
    const [from = "", to = ""] = pair.split("\0");
    return { from, to };
  });
}

/**
 * The allow-rules of every placed component (pure; the policies are built from these). Out of
 * `scope`, a placement is listed without its rules, and none are made for it (`diff` compiles a
 * few components of 20,000: issue #15).
 */
export function componentRules(
  model: Model,
  options: KubernetesOptions = {},
  scope: ComponentScope = EVERY_COMPONENT,
): ComponentRules[] {
  const placed = placements(model);
  const rules = new Map<string, ComponentRules>();
  for (const p of placed)
    if (scope(p.name)) rules.set(`${p.region}\0${p.name}`, { placed: p, ingress: [], egress: [] });
  // The rules of a component in scope; undefined out of scope (what it is given is dropped).
  const at = (region: string, name: string) => rules.get(`${region}\0${name}`);
  const components = new Map<string, ResolvedComponent>(
    [...model.datastores, ...model.services, ...model.streams].map((c) => [c.name, c]),
  );
  const tcp = (peer: Endpoint, port: number): Rule => ({ peer, port, protocol: "TCP" });
  const byName = new Map<string, Placed[]>();
  for (const p of placed) {
    const list = byName.get(p.name);
    if (list === undefined) byName.set(p.name, [p]);
    else list.push(p);
  }

  for (const entry of rules.values()) {
    const p = entry.placed;
    const component = components.get(p.name) as OnKubernetes;
    // Exactly the port Prometheus scrapes: the Istio sidecar's for services on the mesh's metrics.
    entry.ingress.push(
      tcp({ kind: "namespace", namespace: MONITORING_NAMESPACE }, scrapeEndpoint(component).port),
    );
    // The peer port, and any further port the engine's members dial (Redis Sentinel's).
    const peerPorts =
      p.kind === "service"
        ? [p.peerPort]
        : [p.peerPort, ...memberPorts(component).filter((port) => port !== p.peerPort)];
    if (p.kind !== "service" && p.replicas > 1) {
      const self: Endpoint = { kind: "pods", namespace: p.namespace, component: p.name };
      for (const port of peerPorts) {
        entry.ingress.push(tcp(self, port));
        entry.egress.push(tcp(self, port));
      }
    }
    if (p.otherRegions.length > 0) {
      const others: Endpoint = { kind: "regions", regions: p.otherRegions };
      for (const port of peerPorts) {
        entry.ingress.push(tcp(others, port));
        entry.egress.push(tcp(others, port));
      }
    }
  }

  const calls = declaredCalls(model);
  // The ops each service calls a store with whose clients dial the members themselves
  // (dialsPrimaryItself), for `servedAway`.
  const opsOf = new Map<string, ResolvedCall["op"][]>();
  for (const service of model.services)
    for (const call of service.calls) {
      if (!(scope(service.name) || scope(call.to)) || !dialsPrimaryItself(components.get(call.to))) continue;
      const key = `${service.name}\0${call.to}`;
      opsOf.set(key, [...(opsOf.get(key) ?? []), call.op]);
    }
  // Reached from outside the clusters: called by nothing (users, through the ingress gateway) or by
  // a caller topoplan does not deploy on Kubernetes (an external system, which comes in the same way).
  const calledInCluster = new Set(calls.filter((call) => byName.has(call.from)).map((call) => call.to));
  const calledFromOutside = new Set(calls.filter((call) => !byName.has(call.from)).map((call) => call.to));
  for (const { from, to } of calls) {
    const callee = components.get(to);
    // A call makes rules of its caller and its callee only.
    if (callee === undefined || !(scope(from) || scope(to))) continue;
    const placedIn = (region: string) => byName.get(to)?.find((p) => p.region === region);
    for (const caller of byName.get(from) ?? []) {
      const egress = at(caller.region, from)?.egress ?? [];
      const deploy = callee.deploy;
      if (deploy.target === "aws") {
        egress.push(tcp({ kind: "anywhere" }, AWS_SERVICE_PORTS[deploy.service]));
        continue;
      }
      if (deploy.target === "external") {
        egress.push(tcp({ kind: "anywhere" }, EXTERNAL_PORT));
        continue;
      }
      // The engine's client port and serving regions, not the spec's `deploy.port` (ignored with an engine).
      const endpoint = clientEndpoint(model, callee as OnKubernetes, caller.region);
      const { regions } = endpoint;
      const local = regions.includes(caller.region) ? placedIn(caller.region) : undefined;
      for (const port of [endpoint.port, ...endpoint.discoveryPorts]) {
        if (local !== undefined) {
          egress.push(tcp({ kind: "pods", namespace: local.namespace, component: to }, port));
          at(caller.region, to)?.ingress.push(
            tcp({ kind: "pods", namespace: caller.namespace, component: from }, port),
          );
          continue;
        }
        // The callee's serving pods are not in the caller's cluster: the call crosses regions.
        egress.push(tcp({ kind: "regions", regions }, port));
        for (const region of regions)
          at(region, to)?.ingress.push(tcp({ kind: "regions", regions: [caller.region] }, port));
      }
      const away = servedAway(callee as ResolvedDatastore, opsOf.get(`${from}\0${to}`) ?? [], caller.region);
      if (local !== undefined && away.length > 0) {
        egress.push(tcp({ kind: "regions", regions: away }, endpoint.port));
        // On its peer port (a generic store's default) the callee admits its other regions already.
        for (const region of away)
          if (placedIn(region)!.peerPort !== endpoint.port)
            at(region, to)?.ingress.push(tcp({ kind: "regions", regions: [caller.region] }, endpoint.port));
      }
    }
  }

  const ingressNamespace = options.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE;
  for (const entry of rules.values()) {
    const name = entry.placed.name;
    if (entry.placed.kind === "service" && (!calledInCluster.has(name) || calledFromOutside.has(name)))
      entry.ingress.push(tcp({ kind: "namespace", namespace: ingressNamespace }, entry.placed.deploy.port));
  }
  return placed.map((p) => rules.get(`${p.region}\0${p.name}`) ?? { placed: p, ingress: [], egress: [] });
}

/**
 * The other regions whose members may serve a caller in `region` of a store whose clients dial the
 * members themselves, as the analysis serves its ops there (src/analysis/destinations.ts
 * storeDestination): a write or strong read at the leader, wherever failover moves it (every
 * region with members: the local ones may be a standby that refuses writes); another write at a
 * region taking writes (a multi-leader store's `leaders`), another read at a region holding data
 * (not one of witnesses only) — the caller's own when it is one.
 */
function servedAway(store: ResolvedDatastore, ops: readonly ResolvedCall["op"][], region: string): string[] {
  const regions = new Set<string>();
  for (const op of ops) {
    const atLeader = servedByLeader(store, op);
    const candidates = atLeader
      ? servingRegions(store as OnKubernetes)
      : op === "write"
        ? store.writeRegions
        : dataRegions(store);
    if (atLeader || !candidates.includes(region))
      for (const candidate of candidates) if (candidate !== region) regions.add(candidate);
  }
  return [...regions].sort(byText);
}

function peerOf(
  endpoint: Endpoint,
  ownNamespace: string,
  topology: string,
  options: KubernetesOptions,
): INetworkPolicyPeer[] {
  const namespaceSelector = (namespace: string) => ({
    matchLabels: { "kubernetes.io/metadata.name": namespace },
  });
  switch (endpoint.kind) {
    case "pods": {
      const podSelector = { matchLabels: selectorLabels(topology, endpoint.component) };
      return endpoint.namespace === ownNamespace
        ? [{ podSelector }]
        : [{ namespaceSelector: namespaceSelector(endpoint.namespace), podSelector }];
    }
    case "namespace":
      return [
        {
          namespaceSelector: namespaceSelector(endpoint.namespace),
          ...(endpoint.podLabels === undefined ? {} : { podSelector: { matchLabels: endpoint.podLabels } }),
        },
      ];
    case "regions": {
      const cidrs = endpoint.regions.map((region) => options.regionCidrs?.[region]);
      if (cidrs.every((list) => list !== undefined && list.length > 0))
        return [...new Set(cidrs.flat() as string[])].sort().map((cidr) => ({ ipBlock: { cidr } }));
      return [{ ipBlock: { cidr: "0.0.0.0/0", except: [LINK_LOCAL_CIDR] } }];
    }
    case "anywhere":
      return [{ ipBlock: { cidr: "0.0.0.0/0", except: [LINK_LOCAL_CIDR] } }];
  }
}

/** What an endpoint's peers depend on besides the options: one text per distinct answer of peerOf. */
function endpointKey(endpoint: Endpoint, own: string, topology: string): string {
  switch (endpoint.kind) {
    case "pods":
      return `pods\0${topology}\0${endpoint.component}\0${endpoint.namespace === own ? "own" : `other\0${endpoint.namespace}`}`;
    case "namespace":
      return `namespace\0${endpoint.namespace}\0${endpoint.podLabels === undefined ? "" : JSON.stringify(endpoint.podLabels)}`;
    case "regions":
      return `regions\0${endpoint.regions.join("\0")}`;
    case "anywhere":
      return "anywhere";
  }
}

/**
 * The peers of endpoints and their JSON (the grouping and sort key), made once per distinct
 * endpoint in one compilation: the same callers, namespaces and regions recur in thousands of
 * policies. Shared peers are fine: `planned` copies every manifest.
 */
export type PeerCache = Map<string, { readonly peers: INetworkPolicyPeer[]; readonly key: string }>;

/** Groups rules by peer (one policy rule per distinct peer, its ports sorted), in a stable order. */
function policyRules(
  rules: readonly Rule[],
  own: string,
  topology: string,
  options: KubernetesOptions,
  cache: PeerCache,
) {
  const byPeer = new Map<string, { peers: INetworkPolicyPeer[]; ports: Set<string> }>();
  for (const rule of rules) {
    const endpoint = endpointKey(rule.peer, own, topology);
    let known = cache.get(endpoint);
    if (known === undefined) {
      const made = peerOf(rule.peer, own, topology, options);
      known = { peers: made, key: JSON.stringify(made) };
      cache.set(endpoint, known);
    }
    const { peers, key } = known;
    const group = byPeer.get(key) ?? { peers, ports: new Set<string>() };
    group.ports.add(`${rule.protocol}:${rule.port}`);
    byPeer.set(key, group);
  }
  return [...byPeer.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([, { peers, ports }]) => ({
      peers,
      ports: [...ports]
        .map((p) => {
          const [protocol, port = "0"] = p.split(":");
          return { protocol: protocol === "UDP" ? ("UDP" as const) : ("TCP" as const), port: Number(port) };
        })
        .sort((a, b) => a.port - b.port || byText(a.protocol, b.protocol)),
    }));
}

/** Namespace-wide policies: deny all ingress and egress, allow DNS and istiod. */
export function namespacePolicies(topology: string, region: string, namespace: string): PlannedResource[] {
  const labels = sharedLabels(topology, region);
  const deny: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "topoplan-default-deny", namespace, labels },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
  /** Every pod of the namespace may reach these pods of another namespace on these ports. */
  const egressTo = (
    name: string,
    to: {
      readonly namespace: string;
      readonly podLabels: Readonly<Record<string, string>>;
      readonly nodeLocalCache?: string;
    },
    ports: { protocol: "UDP" | "TCP"; port: number }[],
  ): INetworkPolicy => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels },
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": to.namespace } },
              podSelector: { matchLabels: { ...to.podLabels } },
            },
            ...(to.nodeLocalCache === undefined ? [] : [{ ipBlock: { cidr: to.nodeLocalCache } }]),
          ],
          ports,
        },
      ],
    },
  });
  const dns = egressTo("topoplan-allow-dns", DNS, [
    { protocol: "UDP", port: DNS.port },
    { protocol: "TCP", port: DNS.port },
  ]);
  // Istio sidecars fetch their configuration and mTLS certificates from istiod (xDS and CA on
  // 15012, https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio);
  // under the default deny they could not, and injected pods would never become ready.
  const istiod = egressTo("topoplan-allow-istiod", ISTIOD, [{ protocol: "TCP", port: ISTIOD.port }]);
  return [planned(region, "", deny), planned(region, "", dns), planned(region, "", istiod)];
}

/**
 * Why a policy admits `0.0.0.0/0` (minus link-local) for other regions: their CIDRs are not
 * configured. Said on the policy itself, so a review of the rendered files or of the cluster sees
 * it beside the rule (the README's fallback, which a partial map widens for every group it misses).
 */
function unconfiguredRegionsNote(rules: readonly Rule[], options: KubernetesOptions): string | undefined {
  const missing = new Set<string>();
  for (const { peer } of rules)
    if (peer.kind === "regions")
      for (const region of peer.regions)
        if ((options.regionCidrs?.[region] ?? []).length === 0) missing.add(region);
  if (missing.size === 0) return undefined;
  return `the pod CIDRs of ${[...missing].sort(byText).join(", ")} are not configured (topoplan:regionCidrs): the rules for other regions admit 0.0.0.0/0 minus link-local on their ports; set them to admit only those regions`;
}

/** A component's ingress and egress policies (an empty direction is left to the default deny). */
export function componentPolicies(
  topology: string,
  entry: ComponentRules,
  options: KubernetesOptions,
  peers: PeerCache = new Map(),
): PlannedResource[] {
  const p = entry.placed;
  const podSelector = { matchLabels: selectorLabels(topology, p.name) };
  const header = (suffix: string) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    name: kubernetesName([p.name, suffix]),
    namespace: p.namespace,
  });
  const metadata = (suffix: string, rules: readonly Rule[]) => {
    const { name, namespace } = header(suffix);
    const note = unconfiguredRegionsNote(rules, options);
    return {
      name,
      namespace,
      labels: componentLabels(topology, p),
      ...(note === undefined ? {} : { annotations: { [NOTE_ANNOTATION]: note } }),
    };
  };
  // A direction with rules has a policy; its rules are grouped when the plan's inputs are read.
  const out: PlannedResource[] = [];
  if (entry.ingress.length > 0) {
    const policy = (): INetworkPolicy => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata("ingress", entry.ingress),
      spec: {
        podSelector,
        policyTypes: ["Ingress"],
        ingress: policyRules(entry.ingress, p.namespace, topology, options, peers).map((r) => ({
          from: r.peers,
          ports: r.ports,
        })),
      },
    });
    out.push(plannedLater(p.region, p.name, header("ingress"), policy));
  }
  if (entry.egress.length > 0) {
    const policy = (): INetworkPolicy => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata("egress", entry.egress),
      spec: {
        podSelector,
        policyTypes: ["Egress"],
        egress: policyRules(entry.egress, p.namespace, topology, options, peers).map((r) => ({
          to: r.peers,
          ports: r.ports,
        })),
      },
    });
    out.push(plannedLater(p.region, p.name, header("egress"), policy));
  }
  return out;
}
