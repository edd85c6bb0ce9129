import type { INamespace } from "kubernetes-models/v1/Namespace";
import { engineOf } from "../../engines/registry.js";
import { modelIndex } from "../../model/model-index.js";
import type { Model, ResolvedComponent } from "../../model/types.js";
import { istioBucketAnnotations } from "../observability/buckets.js";
import type { PlannedResource } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";
import { calleeEnv } from "./callee-env.js";
import type { KubernetesOptions } from "./constants.js";
import { datastoreDisruptionBudgets, streamDisruptionBudget } from "./disruption.js";
import { type OnKubernetes, peersAcrossClusters, servicesForCallersAway } from "./endpoints.js";
import { planned, sharedLabels } from "./manifest.js";
import { componentPolicies, componentRules, namespacePolicies, type PeerCache } from "./network-policy.js";
import { type Placed, placements } from "./placements.js";
import { withOrderedRollouts } from "./rollout.js";
import {
  objectNames,
  serviceExport,
  statefulBase,
  statefulResources,
  statelessResources,
} from "./workloads.js";
import { applyZoneLabels } from "./zone-fallback.js";

export {
  DEFAULT_INGRESS_NAMESPACE,
  ISTIO_SIDECAR_METRICS,
  type KubernetesDeploy,
  type KubernetesOptions,
  LABELS,
  MONITORING_NAMESPACE,
  PORT_NAMES,
} from "./constants.js";
export {
  datastoreDisruptionBudgets,
  quorumMembers,
  splitDisruptionBudget,
  streamDisruptionBudget,
  toleratedFailures,
} from "./disruption.js";
export {
  type ClientEndpoint,
  clientEndpoint,
  type OnKubernetes,
  type ScrapeEndpoint,
  scrapeEndpoint,
  sidecarlessPorts,
} from "./endpoints.js";
export { selectorLabels } from "./manifest.js";
export { declaredCalls } from "./network-policy.js";
export { namespaceOf, type Placed, placements, regionsOf } from "./placements.js";
export { metricsPortName, namedPorts } from "./pod.js";
export { objectNames } from "./workloads.js";

/**
 * The Kubernetes target: one cluster per region. For every region that hosts a Kubernetes-deployed
 * component: its namespaces (protected when they hold volumes: deleting a namespace deletes its
 * PVCs), namespace-wide default-deny and DNS policies, and per component the workload resources
 * and allow-list NetworkPolicies. Pure and deterministic. Decisions are explained in README.md.
 */
export function compileKubernetes(
  model: Model,
  options: KubernetesOptions = {},
  scope: ComponentScope = EVERY_COMPONENT,
): PlannedResource[] {
  const rules = componentRules(model, options, scope);
  // Per component placed in scope, made once for all its regions.
  const budgets = new Map<string, ReadonlyMap<string, number>>();
  const maxUnavailable = (p: Placed): number => {
    if (p.kind === "service") return 0;
    if (p.kind === "stream") {
      const stream = modelIndex(model).stream(p.name);
      return stream === undefined ? 0 : streamDisruptionBudget(stream);
    }
    let budget = budgets.get(p.name);
    if (budget === undefined) {
      const store = modelIndex(model).datastore(p.name);
      budget =
        store === undefined
          ? new Map()
          : datastoreDisruptionBudgets(store, engineOf(store)?.failoverQuorum?.(store));
      budgets.set(p.name, budget);
    }
    return budget.get(p.region) ?? 0;
  };

  const resources: PlannedResource[] = [];
  const namespaces = new Map<string, { region: string; namespace: string; stateful: boolean }>();
  for (const { placed } of rules) {
    const key = `${placed.region}\0${placed.namespace}`;
    const seen = namespaces.get(key);
    namespaces.set(key, {
      region: placed.region,
      namespace: placed.namespace,
      stateful: (seen?.stateful ?? false) || placed.kind !== "service",
    });
    // Namespaces gather every component; workloads and policies are each component's own.
    if (scope(placed.name)) resources.push(...workloadResources(model, placed, maxUnavailable(placed)));
  }
  const peers: PeerCache = new Map();
  for (const entry of rules)
    if (scope(entry.placed.name)) resources.push(...componentPolicies(model.name, entry, options, peers));
  for (const { region, namespace, stateful } of namespaces.values()) {
    const manifest: INamespace = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: namespace,
        labels: {
          ...sharedLabels(model.name, region),
          // Every pod topoplan generates meets the restricted Pod Security Standard; enforce it so
          // nothing else in the namespace can run privileged. (Istio sidecars need the Istio CNI.)
          "pod-security.kubernetes.io/enforce": "restricted",
        },
      },
    };
    resources.push(planned(region, "", manifest, stateful ? { protect: true, retainOnDelete: true } : {}));
    resources.push(...namespacePolicies(model.name, region, namespace));
  }
  // After the zone labels: the rollout Jobs hash the pod templates as they are deployed.
  return withOrderedRollouts(
    model.name,
    applyZoneLabels(resources, options),
    rules.map((r) => r.placed),
    options.rolloutImage,
  );
}

/**
 * A component's workloads in one region: a Deployment for services; for datastores and streams the
 * engine's resources (its StatefulSets and Jobs beside the base Services and budget, or only its
 * custom resources when an operator manages the pods), else one generic StatefulSet.
 */
function workloadResources(model: Model, placed: Placed, maxUnavailable: number): PlannedResource[] {
  if (placed.kind === "service") {
    const service = modelIndex(model).service(placed.name);
    return [
      ...statelessResources(
        model.name,
        placed,
        service === undefined ? {} : istioBucketAnnotations(service),
        service === undefined ? {} : calleeEnv(model, service, placed.region),
      ),
      ...exportedForCallersAway(model, service, placed),
    ];
  }
  const component = componentByName(model, placed);
  const engine = component === undefined ? undefined : engineOf(component);
  if (component === undefined || engine === undefined || component.kind === "service")
    return [
      ...statefulResources(model.name, placed, maxUnavailable),
      ...exportedPeers(model, component, placed),
      ...exportedForCallersAway(model, component, placed),
    ];
  const regions = placements(model)
    .filter((p) => p.name === placed.name && p.kind === placed.kind)
    .map((p) => p.region);
  const own = engine.compileRegion({ model, component, placed, regions });
  if (engine.managedBy === "operator") return own;
  return [
    ...statefulBase(model.name, placed, maxUnavailable, engine.otherPeerPorts),
    ...exportedPeers(model, component, placed),
    ...exportedForCallersAway(model, component, placed),
    ...own,
  ];
}

/** Members of other regions find this region's by their clusterset names: the peers Service, exported. */
function exportedPeers(
  model: Model,
  component: ResolvedComponent | undefined,
  placed: Placed,
): PlannedResource[] {
  if (component?.deploy.target !== "kubernetes" || !peersAcrossClusters(model, component as OnKubernetes))
    return [];
  return [serviceExport(model.name, placed, objectNames(placed.name).peers)];
}

/**
 * The component's Services exported to the clusterset where a caller in another region dials them:
 * its client Service and an engine's discovery Service (endpoints.ts servicesForCallersAway).
 */
function exportedForCallersAway(
  model: Model,
  component: ResolvedComponent | undefined,
  placed: Placed,
): PlannedResource[] {
  if (component === undefined || component.deploy.target !== "kubernetes") return [];
  return servicesForCallersAway(model, component as OnKubernetes).map((service) =>
    serviceExport(model.name, placed, service),
  );
}

function componentByName(model: Model, placed: Placed): ResolvedComponent | undefined {
  const list: readonly ResolvedComponent[] = placed.kind === "datastore" ? model.datastores : model.streams;
  return list.find((c) => c.name === placed.name);
}
