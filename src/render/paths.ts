import { shortType } from "../compile/names.js";
import type { PlannedResource, ProviderKind } from "../compile/plan.js";

/** A safe path segment: lower case, `[a-z0-9._-]` only. */
export function segment(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "") || "_"
  );
}

/**
 * {@link segment} of a region, namespace or kind: a few distinct values shared by thousands of
 * files, each cleaned once (bounded, so a name-heavy plan cannot grow it without limit).
 */
const SEGMENTS = new Map<string, string>();
function sharedSegment(text: string): string {
  let cleaned = SEGMENTS.get(text);
  if (cleaned === undefined) {
    if (SEGMENTS.size >= 10_000) SEGMENTS.clear();
    cleaned = segment(text);
    SEGMENTS.set(text, cleaned);
  }
  return cleaned;
}

/** Where a planned resource is written, per provider. A table, so a new provider cannot fall through. */
export const RESOURCE_PATHS: Readonly<Record<ProviderKind, (resource: PlannedResource) => string>> = {
  /** `<region>/kubernetes/<namespace>/<kind>-<name>.yaml`; cluster-scoped objects under `_cluster/`. */
  kubernetes: (resource) => {
    const manifest = resource.inputs as { kind?: string; metadata?: { name?: string; namespace?: string } };
    const namespace = manifest.metadata?.namespace;
    const kind = manifest.kind ?? shortType(resource.type);
    const name = manifest.metadata?.name ?? resource.name;
    return `${sharedSegment(resource.region)}/kubernetes/${namespace === undefined ? "_cluster" : sharedSegment(namespace)}/${sharedSegment(kind)}-${segment(name)}.yaml`;
  },
  /** `<region>/aws/<service.Type>-<logical name without the region>.yaml`. */
  aws: (resource) => {
    const prefix = `${resource.region}/`;
    const name = resource.name.startsWith(prefix) ? resource.name.slice(prefix.length) : resource.name;
    return `${sharedSegment(resource.region)}/aws/${sharedSegment(shortType(resource.type))}-${segment(name.replaceAll("/", "."))}.yaml`;
  },
};
