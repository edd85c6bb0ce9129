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

/**
 * The longest `namePrefix` of an IAM role: IAM's 64 characters less the 26-character unique suffix
 * the provider appends (terraform-provider-aws, the IAM role's `name_prefix` validation with
 * `id.UniqueIDSuffixLength`, which @pulumi/aws wraps).
 */
export const IAM_ROLE_NAME_PREFIX_MAX = 38;

/** Shared per-region resources (VPC, alarm topic, dashboard) carry this component prefix. */
export const SHARED = "aws";

/**
 * A physical name of at most `max` characters: the parts joined with `separator`; when too long,
 * cut and suffixed with a stable 6-character hash of the full name so two long names never collide.
 */
export function physicalName(parts: readonly string[], max: number, separator = "-"): string {
  const full = parts.join(separator);
  return full.length <= max ? full : withHash(full.slice(0, max - 7), full);
}

const withHash = (kept: string, full: string) =>
  `${kept.replace(/[-/]+$/, "")}-${fnv1a(full).toString(36).padStart(6, "0").slice(-6)}`;

/**
 * A Pulumi stack name as a part of physical names. Pulumi allows upper case, `_` and `.`; S3
 * bucket names are lower case, RDS identifiers and MSK names letters, digits and hyphens, and
 * CloudWatch dashboard names have no `.` — so: lower case, anything else a single `-`, no hyphen
 * at either end (`Prod_EU.1` → `prod-eu-1`).
 */
export function stackPart(stack: string): string {
  const part = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  // A stack named only of punctuation still needs a part of its own.
  return part === "" ? `stack-${fnv1a(stack).toString(36)}` : part;
}

/**
 * An RDS identifier (global cluster, cluster, instance, snapshot): letters, digits and hyphens,
 * starting with a letter (the topology name does), no two hyphens in a row and none at the end
 * (RDS user guide, "Naming constraints in Amazon RDS"). Component names may hold `--`; such a
 * name is collapsed and given a hash of the original, so `led--ger` and `led-ger` stay apart.
 */
export function rdsIdentifier(name: string, max: number): string {
  const collapsed = name.replace(/-{2,}/g, "-").replace(/-+$/, "");
  return collapsed === name ? name : withHash(collapsed.slice(0, max - 7), name);
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
