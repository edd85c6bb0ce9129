/**
 * Kubernetes helpers shared by the observability, mesh and chaos targets: which components run on
 * Kubernetes, their namespace and labels, and planned-resource wrapping. Names come from
 * src/compile/names.ts and the kubernetes target, so every target names objects alike; the Service
 * and port a client dials are kubernetes/endpoints.ts's answer.
 */
import type { Model, ResolvedComponent } from "../../model/types.js";
import type { ObjectHeader } from "../deferred.js";
import { planned, plannedLater } from "../kubernetes/manifest.js";
import { kubernetesName } from "../names.js";
import type { PlannedResource } from "../plan.js";

/** A component deployed to Kubernetes, narrowed so `deploy` carries the Kubernetes settings. */
export type KubernetesComponent = ResolvedComponent & {
  readonly deploy: Extract<ResolvedComponent["deploy"], { target: "kubernetes" }>;
};

/** Every component (datastores, services, streams, each sorted by name) deployed to Kubernetes. */
export function kubernetesComponents(model: Model): KubernetesComponent[] {
  return [...model.datastores, ...model.services, ...model.streams].filter(isKubernetes);
}

export function isKubernetes(component: ResolvedComponent): component is KubernetesComponent {
  return component.deploy.target === "kubernetes";
}

/** Namespace of a component: `deploy.namespace`, @default the topology name. */
export function namespaceOf(model: Model, component: KubernetesComponent): string {
  return component.deploy.namespace ?? model.name;
}

/** The label every pod and Service of a component carries (set by the kubernetes target). */
export const NAME_LABEL = "app.kubernetes.io/name";

/** Labels topoplan puts on every object it generates. */
export function commonLabels(model: Model, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "topoplan",
    ...(component === "" ? {} : { [NAME_LABEL]: component }),
    "app.kubernetes.io/part-of": model.name,
  };
}

/** Joins parts into a DNS-1123 label (≤ 63 characters; longer names are cut and hashed). */
export function dnsLabel(...parts: readonly string[]): string {
  return kubernetesName(parts);
}

/** A namespaced manifest: apiVersion, kind, metadata (name, namespace, labels…) and the rest. */
export interface KubernetesManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string } & Readonly<
    Record<string, unknown>
  >;
  readonly [field: string]: unknown;
}

/** A planned resource for a manifest of these targets (see kubernetes/manifest.ts `planned`). */
export function plannedManifest(
  region: string,
  component: string,
  manifest: KubernetesManifest,
  ownNamespace = true,
): PlannedResource {
  return planned(region, component, manifest, {}, ownNamespace);
}

/** {@link plannedManifest} for a manifest `build` makes when the plan's inputs are first read. */
export function plannedManifestLater(
  region: string,
  component: string,
  header: ObjectHeader,
  build: () => KubernetesManifest,
  ownNamespace = true,
): PlannedResource {
  return plannedLater(region, component, header, build, {}, ownNamespace);
}

/** Milliseconds as a duration string both protobuf JSON and Go accept: 250 → "0.25s", 2000 → "2s". */
export function secondsDuration(ms: number): string {
  return `${+(ms / 1000).toFixed(3)}s`;
}
