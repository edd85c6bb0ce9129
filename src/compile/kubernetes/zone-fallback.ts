import type { PlannedResource } from "../plan.js";
import type { KubernetesOptions } from "./constants.js";

const ZONE_KEY = "topology.kubernetes.io/zone";
const WORKLOADS = new Set(["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment"]);

interface PodSpec {
  topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        nodeSelectorTerms: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[];
      };
      preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
    };
  };
}

/**
 * Zone placement on clusters whose nodes carry no `topology.kubernetes.io/zone` label (kind,
 * minikube, many on-prem clusters). With the default (`required`) pods are spread with
 * `DoNotSchedule` and pinned to their zones by required node affinity: without the labels they
 * stay Pending. `preferred` turns both into preferences (`ScheduleAnyway`, preferred node
 * affinity, weight 100): pods schedule, and still land in the right zones where labels exist.
 * Replicas may then share a zone, so zone survival no longer holds — a development setting.
 * Anti-affinity per node (`kubernetes.io/hostname`) stays required: every node has that label.
 */
export function applyZoneLabels(resources: PlannedResource[], options: KubernetesOptions): PlannedResource[] {
  if ((options.zoneLabels ?? "required") === "required") return resources;
  return resources.map((r) => {
    if (!WORKLOADS.has(r.type)) return r;
    const manifest = structuredClone(r.inputs) as { spec?: { template?: { spec?: PodSpec } } };
    const pod = manifest.spec?.template?.spec;
    if (pod === undefined) return r;
    for (const constraint of pod.topologySpreadConstraints ?? []) {
      if (constraint.topologyKey === ZONE_KEY) constraint.whenUnsatisfiable = "ScheduleAnyway";
    }
    const nodeAffinity = pod.affinity?.nodeAffinity;
    const required = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (nodeAffinity !== undefined && required !== undefined) {
      const zoneTerms = required.nodeSelectorTerms.filter((t) =>
        t.matchExpressions?.some((e) => e.key === ZONE_KEY),
      );
      if (zoneTerms.length === required.nodeSelectorTerms.length) {
        delete nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
        nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution = [
          ...(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution ?? []),
          ...zoneTerms.map((term) => ({ weight: 100, preference: term })),
        ];
      }
    }
    return { ...r, inputs: manifest as Record<string, unknown> };
  });
}
