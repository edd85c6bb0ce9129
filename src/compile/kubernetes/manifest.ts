import { kubernetesLogicalName, kubernetesType } from "../names.js";
import type { PlannedResource, ResourceOptions } from "../plan.js";
import { LABELS } from "./constants.js";
import type { Placed } from "./placements.js";

/** What every manifest has; the typed builders (kubernetes-models interfaces) satisfy it. */
interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Wraps a manifest as a planned resource of the region's Kubernetes provider. Namespaced objects
 * depend on their Namespace so Pulumi creates it first.
 */
export function planned(
  region: string,
  component: string,
  manifest: Manifest,
  options: ResourceOptions = {},
): PlannedResource {
  const name = manifest.metadata?.name ?? "";
  const namespace = manifest.metadata?.namespace;
  const dependsOn = [
    ...(namespace === undefined ? [] : [kubernetesLogicalName(region, "Namespace", namespace)]),
    ...(options.dependsOn ?? []),
  ];
  return {
    type: kubernetesType(manifest.apiVersion, manifest.kind),
    name: kubernetesLogicalName(region, manifest.kind, name, namespace),
    provider: "kubernetes",
    region,
    component,
    // Plain JSON data: drop `undefined`s so renderers and deep-equality see exactly what is set.
    inputs: JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>,
    options: { ...options, ...(dependsOn.length > 0 ? { dependsOn } : {}) },
  };
}

/** Labels that select a component's pods. Immutable once deployed (selectors cannot change). */
export function selectorLabels(topology: string, component: string): Record<string, string> {
  return { [LABELS.name]: component, [LABELS.partOf]: topology };
}

/** The full label set of a component's objects in one region. */
export function componentLabels(topology: string, placed: Placed): Record<string, string> {
  return {
    ...selectorLabels(topology, placed.name),
    [LABELS.component]: placed.kind,
    [LABELS.managedBy]: "topoplan",
    [LABELS.region]: placed.region,
  };
}

/** Labels of shared objects (namespaces, namespace-wide policies). */
export function sharedLabels(topology: string, region: string): Record<string, string> {
  return { [LABELS.partOf]: topology, [LABELS.managedBy]: "topoplan", [LABELS.region]: region };
}
