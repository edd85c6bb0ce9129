import { deferredResource, type Finish, type ObjectHeader } from "../deferred.js";
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
 * namespaces managed elsewhere (e.g. "monitoring"). Every target plans its objects through here or
 * {@link plannedLater}. The manifest must not change afterwards: it is copied when first read.
 */
export function planned(
  region: string,
  component: string,
  manifest: Manifest,
  options: ResourceOptions = {},
  ownNamespace = true,
): PlannedResource {
  const header = {
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    name: manifest.metadata?.name ?? "",
    ...(manifest.metadata?.namespace === undefined ? {} : { namespace: manifest.metadata.namespace }),
  };
  return plannedLater(region, component, header, () => manifest, options, ownNamespace);
}

/**
 * {@link planned} for a manifest `build` makes when the plan's inputs are first read (`plan` never
 * reads them; src/compile/deferred.ts). `header` is the object's apiVersion, kind, name and
 * namespace, as `build` will make them.
 */
export function plannedLater(
  region: string,
  component: string,
  header: ObjectHeader,
  build: () => Manifest,
  options: ResourceOptions = {},
  ownNamespace = true,
): PlannedResource {
  const { namespace } = header;
  const inNamespace = namespace !== undefined && ownNamespace;
  const merged =
    inNamespace && Object.keys(options).length === 0
      ? namespaceOnly(region, namespace)
      : {
          ...options,
          ...(inNamespace || options.dependsOn !== undefined
            ? {
                dependsOn: [
                  ...(inNamespace ? [kubernetesLogicalName(region, "Namespace", namespace)] : []),
                  ...(options.dependsOn ?? []),
                ],
              }
            : {}),
        };
  return deferredResource(
    {
      type: kubernetesType(header.apiVersion, header.kind),
      name: kubernetesLogicalName(region, header.kind, header.name, namespace),
      provider: "kubernetes",
      region,
      component,
      ...(Object.keys(merged).length > 0 ? { options: merged } : {}),
    },
    build,
    header,
    finishManifest,
  );
}

/**
 * The options of most objects, waiting only for their namespace: one frozen object per region and
 * namespace, shared (tens of thousands of objects at 2,000 services held their own copy).
 */
function namespaceOnly(region: string, namespace: string): ResourceOptions {
  const key = `${region}\0${namespace}`;
  let options = NAMESPACE_ONLY.get(key);
  if (options === undefined) {
    if (NAMESPACE_ONLY.size >= 10_000) NAMESPACE_ONLY.clear();
    options = Object.freeze({
      dependsOn: Object.freeze([kubernetesLogicalName(region, "Namespace", namespace)]),
    });
    NAMESPACE_ONLY.set(key, options);
  }
  return options;
}

const NAMESPACE_ONLY = new Map<string, ResourceOptions>();

/**
 * A built manifest, checked to be the object `header` named (the plan was named and sorted by it),
 * as plain JSON data (no `undefined`s and no shared sub-objects, which a reader changing one
 * object would change in others) unless the reader asks for it as built.
 */
const finishManifest: Finish = (built, header, copy) => {
  const manifest = matching(header!, built as Manifest);
  return (copy ? plainCopy(manifest) : manifest) as Record<string, unknown>;
};

function matching(header: ObjectHeader, manifest: Manifest): Manifest {
  const { apiVersion, kind, metadata } = manifest;
  if (
    apiVersion !== header.apiVersion ||
    kind !== header.kind ||
    (metadata?.name ?? "") !== header.name ||
    metadata?.namespace !== header.namespace
  )
    throw new Error(
      `${header.kind} ${header.namespace ?? ""}/${header.name}: built as ${kind} ${metadata?.namespace ?? ""}/${metadata?.name ?? ""} (compiler bug)`,
    );
  return manifest;
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
