import { objectHeader } from "../compile/deferred.js";
import type { PlannedResource } from "../compile/plan.js";
import { byText } from "../order.js";

/**
 * The order `kubectl apply -f` should meet the objects of one multi-document file in: Helm's
 * install order (helm/helm pkg/releaseutil/kind_sorter.go, `InstallOrder`, release-3.0), so a
 * ServiceAccount or ConfigMap exists before the Deployment that uses it. Kinds it does not list
 * (custom resources: PrometheusRule, DestinationRule, …) come after, by kind, as Helm puts them.
 */
const INSTALL_ORDER = [
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "Secret",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "ServiceAccount",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "Ingress",
  "APIService",
];
const RANK = new Map(INSTALL_ORDER.map((kind, i) => [kind, i]));

const kindOf = (resource: PlannedResource) => objectHeader(resource)?.kind ?? "";

/**
 * Documents of one file: Kubernetes objects in install order, then by kind and logical name; AWS
 * resources (not applied by kubectl) by type and logical name, as the plan sorts them.
 */
export function documentOrder(a: PlannedResource, b: PlannedResource): number {
  const kindA = kindOf(a);
  const kindB = kindOf(b);
  if (kindA !== kindB) {
    const rankA = RANK.get(kindA) ?? INSTALL_ORDER.length;
    const rankB = RANK.get(kindB) ?? INSTALL_ORDER.length;
    return rankA - rankB || byText(kindA, kindB);
  }
  return byText(a.type, b.type) || byText(a.name, b.name);
}
