import { type ObjectHeader, objectHeader } from "../compile/deferred.js";
import { shortType } from "../compile/names.js";
import type { PlannedResource, ProviderKind } from "../compile/plan.js";

/** Marks a directory `render` created; only such directories (or empty ones) are replaced. */
export const RENDER_MARKER = ".topoplan-render";

/**
 * Windows device names, reserved with any extension (`aux.yaml` too): Windows cannot create such a
 * file and Git for Windows refuses to check one out (core.protectNTFS). Valid component, namespace
 * and region names all the same.
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/;

/** A safe part of a path segment: lower case, `[a-z0-9._-]` only. */
export function segment(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "") || "_"
  );
}

/**
 * A safe whole path segment on every OS: {@link segment}, and a Windows device name gets `_` after
 * its stem (`aux` → `aux_`), which no component, namespace or region name can hold (no `_` in them).
 */
export function wholeSegment(text: string): string {
  const cleaned = segment(text);
  return WINDOWS_DEVICE.test(cleaned) ? cleaned.replace(/^[^.]*/, "$&_") : cleaned;
}

/**
 * {@link wholeSegment} of a region, namespace, kind or component: few distinct values shared by
 * thousands of files, each cleaned once (bounded, so a name-heavy plan cannot grow it without limit).
 * An object's name follows `<kind>-` (object layout), so it is never a whole segment.
 */
const SEGMENTS = new Map<string, string>();
function sharedSegment(text: string): string {
  let cleaned = SEGMENTS.get(text);
  if (cleaned === undefined) {
    if (SEGMENTS.size >= 10_000) SEGMENTS.clear();
    cleaned = wholeSegment(text);
    SEGMENTS.set(text, cleaned);
  }
  return cleaned;
}

/**
 * How `render` lays its files out:
 * - `component` (the default): one multi-document file per component, region and namespace, so a
 *   change to a component shows as a change to its files; objects no component owns (namespaces,
 *   namespace-wide policies, dashboards) go to `_shared.yaml`, which no component name can be
 *   (names are RFC 1123 labels) and which sorts first. A 2,000-service topology renders to ~14,000
 *   files instead of ~83,000 (issue #15): fewer to write, to commit, and to page through in a PR.
 * - `object`: one file per object (`<kind>-<name>.yaml`), as `kubectl-slice` or Tanka export.
 */
export type RenderLayout = "component" | "object";
export const RENDER_LAYOUT_NAMES = ["component", "object"] as const satisfies readonly RenderLayout[];

export interface LayoutPaths {
  /** Whether one file holds every object of a component there, or one object. */
  readonly grouped: boolean;
  /** Where a planned resource is written, per provider: a table, so no provider falls through. */
  readonly paths: Readonly<Record<ProviderKind, (resource: PlannedResource) => string>>;
}

/** `<region>/kubernetes/<namespace>/`, or `…/_cluster/` for cluster-scoped objects. */
const kubernetesDir = (resource: PlannedResource, header: ObjectHeader | undefined) => {
  const namespace = header?.namespace;
  return `${sharedSegment(resource.region)}/kubernetes/${namespace === undefined ? "_cluster" : sharedSegment(namespace)}/`;
};

/** The file stem of a component's objects; shared objects have none. */
const componentStem = (resource: PlannedResource) =>
  resource.component === "" ? "_shared" : sharedSegment(resource.component);

export const RENDER_LAYOUTS: Readonly<Record<RenderLayout, LayoutPaths>> = {
  component: {
    grouped: true,
    paths: {
      /** `<region>/kubernetes/<namespace>/<component>.yaml`; cluster-scoped objects under `_cluster/`. */
      kubernetes: (resource) =>
        `${kubernetesDir(resource, objectHeader(resource))}${componentStem(resource)}.yaml`,
      /** `<region>/aws/<component>.yaml`. */
      aws: (resource) => `${sharedSegment(resource.region)}/aws/${componentStem(resource)}.yaml`,
    },
  },
  object: {
    grouped: false,
    paths: {
      /** `<region>/kubernetes/<namespace>/<kind>-<name>.yaml`; cluster-scoped objects under `_cluster/`. */
      kubernetes: (resource) => {
        // A Helm release has no manifest: its type and logical name name it.
        const header = objectHeader(resource);
        const kind = header?.kind ?? shortType(resource.type);
        const name = header?.name || resource.name;
        return `${kubernetesDir(resource, header)}${sharedSegment(kind)}-${segment(name)}.yaml`;
      },
      /** `<region>/aws/<service.Type>-<logical name without the region>.yaml`. */
      aws: (resource) => {
        const prefix = `${resource.region}/`;
        const name = resource.name.startsWith(prefix) ? resource.name.slice(prefix.length) : resource.name;
        return `${sharedSegment(resource.region)}/aws/${sharedSegment(shortType(resource.type))}-${segment(name.replaceAll("/", "."))}.yaml`;
      },
    },
  },
};
