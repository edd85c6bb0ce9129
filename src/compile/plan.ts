/**
 * The ResourcePlan: what a topology compiles to, as plain data. Pure compilers (src/compile/*)
 * produce it; `render` writes it as files; the Pulumi adapter (src/pulumi) instantiates it.
 * Deterministic: the same model gives the same plan, byte for byte, and names never change for an
 * unchanged topology (Pulumi would replace a renamed resource — data loss for stateful ones).
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
   * metadata, spec). May contain {@link Ref}s to other resources' outputs.
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
  | { readonly $runtime: "concat"; readonly parts: readonly unknown[] };

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

/**
 * Sorted by provider, region, type, then name, each compared with `localeCompare`. There are few
 * providers, regions and types and ~90,000 names at 2,000 services (issue #15): the resources are
 * grouped by the first three, the groups ordered once, and only names compared within a group. The
 * order, ties included, is the one stable sort comparing all four gives (test/compile/plan-sort.test.ts).
 */
export function sortResources(resources: readonly PlannedResource[]): PlannedResource[] {
  const groups = new Map<string, number[]>();
  resources.forEach((resource, i) => {
    const key = `${resource.provider}\u0000${resource.region}\u0000${resource.type}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  const byGroup = (a: PlannedResource, b: PlannedResource) =>
    a.provider.localeCompare(b.provider) || a.region.localeCompare(b.region) || a.type.localeCompare(b.type);
  const ordered = [...groups.values()].sort((a, b) => byGroup(resources[a[0]!]!, resources[b[0]!]!));
  const out: PlannedResource[] = [];
  for (let g = 0; g < ordered.length; g++) {
    let members = ordered[g]!;
    // Different texts that localeCompare calls equal (canonically equivalent ones) are one group,
    // in input order, as a sort of all four would leave them.
    while (g + 1 < ordered.length && byGroup(resources[members[0]!]!, resources[ordered[g + 1]![0]!]!) === 0)
      members = [...members, ...ordered[++g]!].sort((a, b) => a - b);
    const sorted = members.map((i) => resources[i]!).sort((a, b) => a.name.localeCompare(b.name));
    for (const resource of sorted) out.push(resource);
  }
  return out;
}
