import { byText } from "../order.js";
/**
 * The ResourcePlan: what a topology compiles to, as plain data. Pure compilers (src/compile/*)
 * produce it; `render` writes it as files; the Pulumi adapter (src/pulumi) instantiates it.
 * Deterministic: the same model gives the same plan, byte for byte, in any locale (text is ordered
 * by src/order.ts, never by localeCompare), and names never change for an unchanged topology
 * (Pulumi would replace a renamed resource — data loss for stateful ones).
 */
export interface ResourcePlan {
  readonly topology: string;
  /** Sorted by provider, region, type, name. */
  readonly resources: readonly PlannedResource[];
}

export type ProviderKind = "kubernetes" | "aws";

export interface PlannedResource {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:StatefulSet` or `aws:dynamodb/table:Table`. */
  readonly type: string;
  /** Pulumi logical name, unique in the plan, stable across runs. */
  readonly name: string;
  /** Which regional provider creates it (one Kubernetes cluster / AWS provider per region). */
  readonly provider: ProviderKind;
  readonly region: string;
  /** The topology component it belongs to, or "" for shared resources (namespaces, VPCs). */
  readonly component: string;
  /**
   * Resource inputs as plain data. For Kubernetes this is the full manifest (apiVersion, kind,
   * metadata, spec). May contain {@link Ref}s to other resources' outputs. Kubernetes objects'
   * are built when first read (src/compile/deferred.ts): passes over the whole plan that need only
   * an object's identity read `objectHeader`, and change a resource with `mapInputs`/`withOptions`.
   */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options?: ResourceOptions;
}

export interface ResourceOptions {
  /** Stateful: refuse to delete (Pulumi `protect`). */
  readonly protect?: boolean;
  /** Keep the cloud resource if it leaves the program (Pulumi `retainOnDelete`). */
  readonly retainOnDelete?: boolean;
  /** Names of resources in this plan that must exist first. */
  readonly dependsOn?: readonly string[];
  /**
   * Input properties whose later changes Pulumi must not apply (Pulumi `ignoreChanges`), each
   * with its reason in the compiler that sets it (e.g. documented for Aurora global clusters).
   */
  readonly ignoreChanges?: readonly string[];
  /**
   * Replace by deleting first (Pulumi `deleteBeforeReplace`): for a resource with a fixed name the
   * cloud holds unique, which a replacement created beside it would collide with.
   */
  readonly deleteBeforeReplace?: boolean;
  /** Outputs to store encrypted in the state (Pulumi `additionalSecretOutputs`). */
  readonly additionalSecretOutputs?: readonly string[];
}

/**
 * A value only the deployment can know, resolved by the Pulumi adapter (render shows the marker,
 * never a value): a generated password (the same `key` gives the same value within a run, always
 * a Pulumi secret), the AWS account id of the region's provider, or a JSON document holding them.
 */
export type RuntimeValue =
  | { readonly $runtime: "password"; readonly key: string }
  | { readonly $runtime: "awsAccountId" }
  /** `value` (which may hold refs and runtime values) as a JSON string, e.g. a KMS key policy. */
  | { readonly $runtime: "json"; readonly value: unknown }
  /** The parts (strings, refs) joined into one string, e.g. a bucket ARN + "/*". */
  | { readonly $runtime: "concat"; readonly parts: readonly unknown[] }
  /**
   * The first of `values` (refs) that the deployment holds (not undefined, null or ""): one of
   * several resources holds it, which one known only to the state. The deployment stops, naming
   * `what`, when none does.
   */
  | { readonly $runtime: "firstDefined"; readonly what: string; readonly values: readonly unknown[] };

export function isRuntimeValue(value: unknown): value is RuntimeValue {
  return typeof value === "object" && value !== null && typeof (value as RuntimeValue).$runtime === "string";
}

/** A reference to another planned resource's output, resolved to a Pulumi Output by the adapter. */
export interface Ref {
  readonly $ref: string;
  /** Output property, e.g. `arn`, `id`, `name`. */
  readonly property: string;
}

export function ref(resource: string, property: string): Ref {
  return { $ref: resource, property };
}

export function isRef(value: unknown): value is Ref {
  return typeof value === "object" && value !== null && typeof (value as Ref).$ref === "string";
}

/** Whether `value` holds a ref or a runtime value anywhere: something only the deployment can resolve. */
export function holdsDeploymentValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && objectHoldsDeploymentValue(value);
}

// Recursion on objects only: `render` scans every manifest of the plan (83,000 at 2,000 services).
function objectHoldsDeploymentValue(value: object): boolean {
  if (Array.isArray(value)) {
    for (const item of value as unknown[])
      if (typeof item === "object" && item !== null && objectHoldsDeploymentValue(item)) return true;
    return false;
  }
  if (isRef(value) || isRuntimeValue(value)) return true;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === "object" && item !== null && objectHoldsDeploymentValue(item)) return true;
  }
  return false;
}

export function sortResources(resources: readonly PlannedResource[]): PlannedResource[] {
  // Grouped by (provider, region, type) — a few hundred groups for 83,000 resources at 2,000
  // services — and each group sorted by name: the order of comparing all four, at a fraction of
  // the comparisons. The key's separator, U+0000, sorts below every character the fields hold.
  const groups = new Map<string, PlannedResource[]>();
  for (const resource of resources) {
    const key = `${resource.provider}\0${resource.region}\0${resource.type}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [resource]);
    else group.push(resource);
  }
  const sorted: PlannedResource[] = [];
  for (const key of [...groups.keys()].sort(byText))
    for (const resource of groups.get(key)!.sort((a, b) => byText(a.name, b.name))) sorted.push(resource);
  return sorted;
}
