import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { Model } from "../../model/types.js";
import type { PlannedResource } from "../plan.js";
import type { KubernetesOptions } from "./constants.js";
import { datastoreDisruptionBudgets, streamDisruptionBudget } from "./disruption.js";
import { planned, sharedLabels } from "./manifest.js";
import { componentPolicies, componentRules, namespacePolicies } from "./network-policy.js";
import type { Placed } from "./placements.js";
import { statefulResources, statelessResources } from "./workloads.js";
import { applyZoneLabels } from "./zone-fallback.js";

export {
  DEFAULT_INGRESS_NAMESPACE,
  type KubernetesDeploy,
  type KubernetesOptions,
  LABELS,
  MONITORING_NAMESPACE,
  PORT_NAMES,
} from "./constants.js";
export {
  datastoreDisruptionBudgets,
  splitDisruptionBudget,
  streamDisruptionBudget,
  toleratedFailures,
} from "./disruption.js";
export { selectorLabels } from "./manifest.js";
export { declaredCalls } from "./network-policy.js";
export { namespaceOf, type Placed, placements } from "./placements.js";
export { metricsPortName, namedPorts } from "./pod.js";
export { objectNames } from "./workloads.js";

/**
 * The Kubernetes target: one cluster per region. For every region that hosts a Kubernetes-deployed
 * component: its namespaces (protected when they hold volumes: deleting a namespace deletes its
 * PVCs), namespace-wide default-deny and DNS policies, and per component the workload resources
 * and allow-list NetworkPolicies. Pure and deterministic. Decisions are explained in README.md.
 */
export function compileKubernetes(model: Model, options: KubernetesOptions = {}): PlannedResource[] {
  const rules = componentRules(model, options);
  const budgets = new Map(model.datastores.map((store) => [store.name, datastoreDisruptionBudgets(store)]));
  const streams = new Map(model.streams.map((stream) => [stream.name, streamDisruptionBudget(stream)]));
  const maxUnavailable = (p: Placed) =>
    p.kind === "datastore" ? (budgets.get(p.name)?.get(p.region) ?? 0) : (streams.get(p.name) ?? 0);

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
    resources.push(
      ...(placed.kind === "service"
        ? statelessResources(model.name, placed)
        : statefulResources(model.name, placed, maxUnavailable(placed))),
    );
  }
  for (const entry of rules) resources.push(...componentPolicies(model.name, entry, options));
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
  return applyZoneLabels(resources, options);
}
