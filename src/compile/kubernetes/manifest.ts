import { kubernetesLogicalName, kubernetesType } from "../names.js";
import { plainCopy } from "../plain-data.js";
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
 * Wraps a manifest as a planned resource of the region's Kubernetes provider, named like every
 * Kubernetes object in the plan (`<region>/<namespace>/<Kind>/<name>`). Objects in a namespace
 * topoplan creates depend on it so Pulumi creates it first; pass `ownNamespace: false` for
 * namespaces managed elsewhere (e.g. "monitoring"). Every target plans its objects through here.
 */
export function planned(
  region: string,
  component: string,
  manifest: Manifest,
  options: ResourceOptions = {},
  ownNamespace = true,
): PlannedResource {
  const name = manifest.metadata?.name ?? "";
  const namespace = manifest.metadata?.namespace;
  const dependsOn = [
    ...(namespace === undefined || !ownNamespace
      ? []
      : [kubernetesLogicalName(region, "Namespace", namespace)]),
    ...(options.dependsOn ?? []),
  ];
  const merged = { ...options, ...(dependsOn.length > 0 ? { dependsOn } : {}) };
  return {
    type: kubernetesType(manifest.apiVersion, manifest.kind),
    name: kubernetesLogicalName(region, manifest.kind, name, namespace),
    provider: "kubernetes",
    region,
    component,
    // Plain JSON data: no `undefined`s and no shared sub-objects (they would render as YAML anchors).
    inputs: plainCopy(manifest) as Record<string, unknown>,
    ...(Object.keys(merged).length > 0 ? { options: merged } : {}),
  };
}

/** Labels that select a component's pods. Immutable once deployed (selectors cannot change). */
export function selectorLabels(topology: string, component: string): Record<string, string> {
  return { [LABELS.name]: component, [LABELS.partOf]: topology };
}

/** The full label set of a component's objects in one region. */
export function componentLabels(topology: string, placed: Placed): Record<string, string> {
  // The selector labels first, as selectorLabels has them (written out: this runs for every object).
  return {
    [LABELS.name]: placed.name,
    [LABELS.partOf]: topology,
    [LABELS.component]: placed.kind,
    [LABELS.managedBy]: "topoplan",
    [LABELS.region]: placed.region,
  };
}

/** Labels of shared objects (namespaces, namespace-wide policies). */
export function sharedLabels(topology: string, region: string): Record<string, string> {
  return { [LABELS.partOf]: topology, [LABELS.managedBy]: "topoplan", [LABELS.region]: region };
}
