import type * as pulumi from "@pulumi/pulumi";
import type { PlannedResource, Ref, ResourcePlan } from "../compile/plan.js";
import { orderPlan, PlanError, substituteRefs } from "./order.js";
import type { RegionalProviders } from "./providers.js";
import { type Construct, constructorFor } from "./registry.js";
import { RuntimeValues } from "./runtime-values.js";

/**
 * The thin adapter: one Pulumi resource per planned resource, nothing more. All decisions (names,
 * manifests, which resources are stateful) were made by the pure compilers; this only looks up the
 * constructor, substitutes refs with outputs and maps the options.
 */

export interface InstantiateOptions {
  /**
   * The parent of each created resource (src/pulumi/components.ts). Part of every URN: the
   * program always passes the same tree; leave unset only where URNs do not matter (benchmarks).
   */
  readonly parentOf?: (resource: PlannedResource) => pulumi.Resource | undefined;
}

/** The created resources by plan name. */
export type InstantiatedPlan = ReadonlyMap<string, pulumi.CustomResource>;

interface Step {
  readonly resource: PlannedResource;
  readonly construct: Construct;
  readonly hasRefs: boolean;
}

/** A plan checked by {@link preparePlan}, in creation order. */
export interface PreparedPlan {
  readonly plan: ResourcePlan;
  readonly steps: readonly Step[];
}

/**
 * Checks the whole plan before anything is registered: type tokens, refs, dependsOn and cycles.
 * Throws {@link PlanError} listing every problem. Needs no providers, so a program can check the
 * plan before it creates any.
 */
export function preparePlan(plan: ResourcePlan): PreparedPlan {
  const problems: string[] = [];
  const steps: Step[] = [];
  for (const { resource, hasRefs } of orderPlan(plan)) {
    const construct = constructorFor(resource);
    if (typeof construct === "string") problems.push(construct);
    else steps.push({ resource, construct, hasRefs });
  }
  if (problems.length > 0) throw new PlanError(problems);
  return { plan, steps };
}

/**
 * Creates one Pulumi resource per planned resource, in dependency order, each with its region's
 * provider. Refs become the referenced resource's output (`resource[property]`, dotted paths
 * allowed: `metadata.name`); `protect`, `retainOnDelete`, `deleteBeforeReplace` and `dependsOn`
 * map to Pulumi's options.
 * Everything is checked before the first resource is registered.
 */
export function instantiatePlan(
  plan: ResourcePlan | PreparedPlan,
  providers: RegionalProviders,
  opts: InstantiateOptions = {},
): InstantiatedPlan {
  const { steps } = "steps" in plan ? plan : preparePlan(plan);
  const stepProviders = steps.map((s) => providers[s.resource.provider]?.get(s.resource.region));
  const missing = new Set<string>();
  stepProviders.forEach((p, i) => {
    if (p === undefined)
      missing.add(`${steps[i]!.resource.provider} provider for ${steps[i]!.resource.region}`);
  });
  if (missing.size > 0) {
    throw new PlanError([...missing].sort().map((m) => `no ${m}, which the plan's resources there need`));
  }

  const created = new Map<string, pulumi.CustomResource>();
  const runtime = new RuntimeValues();
  for (let i = 0; i < steps.length; i++) {
    const { resource, construct, hasRefs } = steps[i]!;
    const resolveAll = (value: unknown): unknown =>
      substituteRefs(
        value,
        (ref) => outputOf(created, ref, resource.name),
        (runtimeValue) => runtime.resolve(runtimeValue, stepProviders[i]!, resolveAll),
      );
    const inputs = hasRefs ? (resolveAll(resource.inputs) as Record<string, unknown>) : resource.inputs;
    const options: pulumi.CustomResourceOptions = { provider: stepProviders[i]! };
    const {
      protect,
      retainOnDelete,
      deleteBeforeReplace,
      dependsOn,
      ignoreChanges,
      additionalSecretOutputs,
    } = resource.options ?? {};
    if (protect) options.protect = true;
    if (retainOnDelete) options.retainOnDelete = true;
    if (deleteBeforeReplace) options.deleteBeforeReplace = true;
    if (ignoreChanges !== undefined && ignoreChanges.length > 0) options.ignoreChanges = [...ignoreChanges];
    if (additionalSecretOutputs !== undefined && additionalSecretOutputs.length > 0)
      options.additionalSecretOutputs = [...additionalSecretOutputs];
    if (dependsOn !== undefined && dependsOn.length > 0)
      options.dependsOn = dependsOn.map((n) => created.get(n)!);
    const parent = opts.parentOf?.(resource);
    if (parent !== undefined) options.parent = parent;
    created.set(resource.name, construct(resource.name, inputs, options));
  }
  return created;
}
/** `created[ref.$ref][ref.property]` as an Output; the order guarantees the target exists. */
function outputOf(created: ReadonlyMap<string, pulumi.CustomResource>, ref: Ref, from: string): unknown {
  const target = created.get(ref.$ref)!;
  const [first, ...rest] = ref.property.split(".");
  let value = (target as unknown as Record<string, unknown>)[first!];
  if (value === undefined) {
    throw new PlanError([
      `"${from}" refers to output "${ref.property}" of "${ref.$ref}", which has no output "${first}"`,
    ]);
  }
  // Outputs lift property access (`output.name` is an Output of the name).
  for (const key of rest) value = (value as Record<string, unknown>)[key];
  return value;
}
