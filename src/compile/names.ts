import { createHash } from "node:crypto";

/**
 * Deterministic names. Two kinds:
 *
 * - **Pulumi logical names** (`PlannedResource.name`): `/`-separated paths such as
 *   `eu-west-1/global-kv/StatefulSet/accounts`. They derive only from the region, the namespace,
 *   the kind and the component name, never from counts, order or other components, so adding an
 *   unrelated component never renames anything (Pulumi would replace a renamed resource — data
 *   loss for stateful ones).
 * - **Kubernetes object names**: DNS-1123 labels of at most 63 characters. A name that had to be
 *   changed to fit (invalid characters, too long) gets a short hash of the original appended, so
 *   two different inputs never collapse to one name.
 */

/** Longest DNS-1123 label (namespaces, Services, most object names). */
export const DNS_LABEL_MAX = 63;

/**
 * Longest StatefulSet name: its pods get the label `controller-revision-hash: <name>-<10 chars>`,
 * which must itself be a valid label value (≤ 63).
 */
export const STATEFULSET_NAME_MAX = 52;

/** Hex digest prefix of sha-256, for stable suffixes. */
export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, ≤ `max`) for `raw`. Valid input comes back
 * unchanged; anything else is lower-cased, cleaned, truncated and suffixed with `-<hash of raw>`.
 */
export function dnsLabel(raw: string, max = DNS_LABEL_MAX): string {
  if (raw.length <= max && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(raw)) return raw;
  const suffix = `-${shortHash(raw)}`;
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, max - suffix.length)
    .replace(/^-+|-+$/g, "");
  return `${cleaned || "x"}${suffix}`;
}

/** Joins name parts with `-` into one DNS label: `kubernetesName("accounts", "peers")` → `accounts-peers`. */
export function kubernetesName(parts: readonly string[], max = DNS_LABEL_MAX): string {
  return dnsLabel(parts.filter((part) => part !== "").join("-"), max);
}

/** A Pulumi logical name from path segments: `logicalName("eu-west-1", "Namespace", "kv")`. */
export function logicalName(...parts: readonly string[]): string {
  // join, not `+`: every planned resource keeps its name, and `+` makes a tree of string pieces
  // (six or so per name; 200 bytes where the text takes 70) that V8 keeps as it is.
  const kept: string[] = [];
  for (const part of parts) if (part !== "") kept.push(part);
  return kept.join("/");
}

/**
 * Logical name of a Kubernetes object: `<region>/<namespace>/<Kind>/<name>`, or
 * `<region>/<Kind>/<name>` for cluster-scoped objects (namespace omitted).
 */
export function kubernetesLogicalName(
  region: string,
  kind: string,
  name: string,
  namespace?: string,
): string {
  return logicalName(region, namespace ?? "", kind, name);
}

/** Logical name of an AWS resource: `<region>/aws/<short type>/<name>`, e.g. `eu-west-1/aws/dynamodb.Table/accounts`. */
export function awsLogicalName(region: string, type: string, name: string): string {
  return logicalName(region, "aws", shortType(type), name);
}

/** `aws:dynamodb/table:Table` → `dynamodb.Table`; `kubernetes:apps/v1:StatefulSet` → `apps.StatefulSet`. */
export function shortType(type: string): string {
  const [, module = "", kind = type] = type.split(":");
  const group = module.split("/")[0] ?? module;
  return group === "" || group === "core" ? kind : `${group}.${kind}`;
}

/** The kind (or resource class) a type token names: `kubernetes:apps/v1:StatefulSet` → `StatefulSet`. */
export function kindOfType(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

/** Kubernetes type token for an apiVersion and kind: `apps/v1` + `StatefulSet` → `kubernetes:apps/v1:StatefulSet`. */
export function kubernetesType(apiVersion: string, kind: string): string {
  // One string per type for the whole plan (a few dozen types, 83,000 objects at 2,000 services):
  // each resource used to hold its own copy of the token.
  const kinds = TYPE_TOKENS.get(apiVersion) ?? TYPE_TOKENS.set(apiVersion, new Map()).get(apiVersion)!;
  let token = kinds.get(kind);
  if (token === undefined) {
    token = `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
    // Unbounded, but only the compilers name kinds: a spec cannot add one.
    kinds.set(kind, token);
  }
  return token;
}

const TYPE_TOKENS = new Map<string, Map<string, string>>();
