/**
 * Names. Logical (Pulumi) names are `<component>-<kind>[-<region>]`: unique in a plan, stable
 * for an unchanged topology, and never derived from anything that can reorder (renaming a
 * stateful resource would make Pulumi replace it).
 *
 * Physical names are set where operators and dashboards need to know them before deployment
 * (table, cluster and global-cluster identifiers) and left to Pulumi's auto-naming elsewhere.
 */

/** Logical name: `orders-table`, `orders-kms-key-eu-west-1`. */
export function logicalName(component: string, kind: string, region?: string): string {
  return region === undefined ? `${component}-${kind}` : `${component}-${kind}-${region}`;
}

/** Shared per-region resources (VPC, alarm topic, dashboard) carry this component prefix. */
export const SHARED = "aws";

/**
 * A physical name of at most `max` characters: the parts joined with "-"; when too long, cut and
 * suffixed with a stable 6-character hash of the full name so two long names never collide.
 */
export function physicalName(parts: readonly string[], max: number): string {
  const full = parts.join("-");
  if (full.length <= max) return full;
  const hash = fnv1a(full).toString(36).padStart(6, "0").slice(-6);
  return `${full.slice(0, max - 7).replace(/-+$/, "")}-${hash}`;
}

/** 32-bit FNV-1a: tiny, stable across Node versions. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Tags on every AWS resource topoplan creates. */
export function tagsFor(topology: string, component: string): Record<string, string> {
  return {
    "managed-by": "topoplan",
    "topoplan:component": component === "" ? SHARED : component,
    "topoplan:topology": topology,
  };
}
