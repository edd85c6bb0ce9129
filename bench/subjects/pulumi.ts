import { isRef, type PlannedResource, type ProviderKind, type ResourcePlan } from "../../src/compile/plan.js";
import { startClock } from "../lib/clock.js";
import { exported, importOptional } from "../lib/optional.js";
import { dependenciesOf } from "../plans.js";
import { readPlan } from "./render.js";
import type { Subject } from "./types.js";

/**
 * Registering a plan's resources with Pulumi under mocks (`setMocks`): topoplan's adapter against
 * a bare loop of `new k8s.<group>.<version>.<Kind>(name, manifest, { provider })` — Pulumi's own
 * cost for the same (type, name, inputs, options). Both create one Kubernetes provider per region
 * inside `runInPulumiStack`, both are timed until every registration RPC has been answered, and
 * both import their modules before the clock starts.
 */

type Pulumi = typeof import("@pulumi/pulumi");
type ProviderResource = import("@pulumi/pulumi").ProviderResource;
type RegionalProviders = Readonly<Record<ProviderKind, ReadonlyMap<string, ProviderResource>>>;
type CreateProviders = (
  plan: ResourcePlan,
  settings: { clusters: Record<string, { context: string }> },
) => RegionalProviders;
type InstantiatePlan = (plan: ResourcePlan, providers: RegionalProviders) => unknown;

/** Resources after everything they depend on (depth-first; the plan is acyclic). */
function dependencyOrder(plan: ResourcePlan): PlannedResource[] {
  const byName = new Map(plan.resources.map((r) => [r.name, r]));
  const done = new Set<string>();
  const order: PlannedResource[] = [];
  const visit = (r: PlannedResource) => {
    if (done.has(r.name)) return;
    done.add(r.name);
    for (const d of dependenciesOf(r)) visit(byName.get(d)!);
    order.push(r);
  };
  plan.resources.forEach(visit);
  return order;
}

/** Refs replaced by the referenced resource's output, the way a hand-written program passes them. */
function withOutputs(value: unknown, created: ReadonlyMap<string, object>): unknown {
  if (isRef(value)) {
    const [first, ...rest] = value.property.split(".");
    let output = (created.get(value.$ref) as Record<string, unknown>)[first!];
    for (const key of rest) output = (output as Record<string, unknown>)[key];
    return output;
  }
  if (Array.isArray(value)) return value.map((v) => withOutputs(v, created));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withOutputs(v, created)]));
  return value;
}

const ADAPTER = "src/pulumi/adapter.ts";
const PROVIDERS = "src/pulumi/providers.ts";

async function mocked(): Promise<{ pulumi: Pulumi; registered: () => number }> {
  const pulumi = await import("@pulumi/pulumi");
  let count = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        count++;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "topoplan",
    "bench",
    false,
  );
  return { pulumi, registered: () => count };
}

const clustersOf = (plan: ResourcePlan) =>
  Object.fromEntries(
    [...new Set(plan.resources.map((r) => r.region))].map((region) => [
      region,
      { context: `bench-${region}` },
    ]),
  );

export const pulumiTopoplan: Subject = async (params) => {
  const instantiate = exported<InstantiatePlan>(await importOptional(ADAPTER), ADAPTER, "instantiatePlan");
  if (!instantiate.ok) return { skipped: instantiate.reason };
  const create = exported<CreateProviders>(await importOptional(PROVIDERS), PROVIDERS, "createProviders");
  if (!create.ok) return { skipped: create.reason };
  const { plan } = readPlan(params);
  const { pulumi, registered } = await mocked();

  const clock = startClock();
  await pulumi.runtime.runInPulumiStack(async () => {
    instantiate.module(plan, create.module(plan, { clusters: clustersOf(plan) }));
    return {};
  });
  await pulumi.runtime.disconnect();
  const { wallMs, cpuMs } = clock.lap();
  return { wallMs, cpuMs, info: { resources: plan.resources.length, registered: registered() } };
};

export const pulumiBare: Subject = async (params) => {
  const { plan } = readPlan(params);
  const { pulumi, registered } = await mocked();
  const k8s = await import("@pulumi/kubernetes");
  type Class = new (
    name: string,
    args: never,
    opts: import("@pulumi/pulumi").CustomResourceOptions,
  ) => import("@pulumi/pulumi").CustomResource;
  const classes: Readonly<Record<string, Class>> = {
    "kubernetes:core/v1:Namespace": k8s.core.v1.Namespace,
    "kubernetes:core/v1:ConfigMap": k8s.core.v1.ConfigMap,
    "kubernetes:core/v1:Secret": k8s.core.v1.Secret,
    "kubernetes:core/v1:Service": k8s.core.v1.Service,
    "kubernetes:core/v1:ServiceAccount": k8s.core.v1.ServiceAccount,
    "kubernetes:apps/v1:StatefulSet": k8s.apps.v1.StatefulSet,
    "kubernetes:apps/v1:Deployment": k8s.apps.v1.Deployment,
    "kubernetes:batch/v1:CronJob": k8s.batch.v1.CronJob,
    "kubernetes:policy/v1:PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  };
  const custom = k8s.apiextensions.CustomResource as unknown as Class;

  // What a hand-written program has for free: resources already in order, literal inputs, refs
  // known where they are. Worked out before the clock starts, so the loop is Pulumi's cost alone.
  const ordered = dependencyOrder(plan).map((r) => ({
    r,
    hasRefs: dependenciesOf({ ...r, options: {} }).length > 0,
  }));
  const clock = startClock();
  await pulumi.runtime.runInPulumiStack(async () => {
    const providers = new Map<string, ProviderResource>();
    for (const [region, settings] of Object.entries(clustersOf(plan)))
      providers.set(region, new k8s.Provider(`k8s-${region}`, settings));
    const created = new Map<string, import("@pulumi/pulumi").CustomResource>();
    for (const { r, hasRefs } of ordered) {
      const options: import("@pulumi/pulumi").CustomResourceOptions = { provider: providers.get(r.region)! };
      if (r.options?.protect) options.protect = true;
      if (r.options?.retainOnDelete) options.retainOnDelete = true;
      if (r.options?.dependsOn?.length) options.dependsOn = r.options.dependsOn.map((n) => created.get(n)!);
      const inputs = hasRefs ? withOutputs(r.inputs, created) : r.inputs;
      created.set(r.name, new (classes[r.type] ?? custom)(r.name, inputs as never, options));
    }
    return {};
  });
  await pulumi.runtime.disconnect();
  const { wallMs, cpuMs } = clock.lap();
  return { wallMs, cpuMs, info: { resources: plan.resources.length, registered: registered() } };
};
