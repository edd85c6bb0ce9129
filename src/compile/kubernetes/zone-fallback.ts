import { mapInputs } from "../deferred.js";
import type { PlannedResource } from "../plan.js";
import type { KubernetesOptions } from "./constants.js";

const ZONE_KEY = "topology.kubernetes.io/zone";

/** The parts of a pod spec (or an operator's equivalent) that pin pods to zones. */
interface Scheduling {
  topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string; minDomains?: number }[];
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        nodeSelectorTerms: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[];
      };
      preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
    };
  };
}

type Manifest = { spec?: Record<string, unknown> };
const at = (value: unknown): Scheduling | undefined =>
  typeof value === "object" && value !== null ? (value as Scheduling) : undefined;
const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/**
 * Where each kind that makes pods keeps their scheduling: a workload's pod template, and the
 * operators' own fields (CloudNativePG's `Cluster` spec carries `affinity` and
 * `topologySpreadConstraints`; a Strimzi `KafkaNodePool` its pod template). A kind missing here
 * would keep its required zone placement and stay Pending on a cluster without zone labels.
 */
const SCHEDULING: Readonly<Record<string, (m: Manifest) => Scheduling | undefined>> = {
  "kubernetes:apps/v1:StatefulSet": (m) => at(field(field(m.spec, "template"), "spec")),
  "kubernetes:apps/v1:Deployment": (m) => at(field(field(m.spec, "template"), "spec")),
  "kubernetes:postgresql.cnpg.io/v1:Cluster": (m) => at(m.spec),
  "kubernetes:kafka.strimzi.io/v1:KafkaNodePool": (m) => at(field(field(m.spec, "template"), "pod")),
};

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
    const locate = SCHEDULING[r.type];
    return locate === undefined ? r : mapInputs(r, (inputs) => preferZones(inputs, locate));
  });
}

/** A copy of the manifest with its zone placement turned into preferences. */
function preferZones(
  inputs: Readonly<Record<string, unknown>>,
  locate: (m: Manifest) => Scheduling | undefined,
) {
  const manifest = structuredClone(inputs) as Manifest;
  const pod = locate(manifest);
  if (pod === undefined) return inputs;
  for (const constraint of pod.topologySpreadConstraints ?? []) {
    if (constraint.topologyKey !== ZONE_KEY) continue;
    constraint.whenUnsatisfiable = "ScheduleAnyway";
    // The API accepts minDomains only with DoNotSchedule.
    delete constraint.minDomains;
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
  return manifest as Record<string, unknown>;
}
