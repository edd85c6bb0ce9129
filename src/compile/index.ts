import type { Analysis } from "../analysis/types.js";
import { type Diagnostic, InputError, inputProblem } from "../diagnostics/diagnostic.js";
import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedComponent } from "../model/types.js";
import { byText } from "../order.js";
import { list } from "../report/words.js";
import { type AwsCompileOptions, compileAws } from "./aws/index.js";
import { type AwsAccessOptions, awsAccessResources } from "./aws-access/index.js";
import { TYPES as CHAOS_TYPES, compileChaos } from "./chaos/index.js";
import { compileKubernetes, type KubernetesOptions } from "./kubernetes/index.js";
import { compileMesh } from "./mesh/index.js";
import { compileObservability } from "./observability/index.js";
import { type PlannedResource, type ResourcePlan, sortResources } from "./plan.js";
import { type PrerequisiteOptions, withPrerequisites } from "./prerequisites/index.js";
import { type ComponentScope, EVERY_COMPONENT } from "./scope.js";

/** Options of every target, keyed by target; each target reads its own. */
export interface CompileOptions {
  readonly kubernetes?: KubernetesOptions;
  /** VPCs / caller CIDRs / alarm topics per region (Pulumi config `topoplan:network`). */
  readonly aws?: AwsCompileOptions;
  /** IAM roles, endpoints and egress for services calling AWS components (src/compile/aws-access). */
  readonly awsAccess?: AwsAccessOptions;
  /** Cluster add-ons as Helm releases, the mesh's data plane (src/compile/prerequisites). */
  readonly prerequisites?: PrerequisiteOptions;
}

/** What a target compiler gets besides the model. */
export interface CompileContext {
  /** Baseline analysis, when the caller computed it (chaos and observability may use it). */
  readonly analysis?: Analysis;
  readonly options: CompileOptions;
  /**
   * The components to make resources for; a target may skip the others' work (compilePlan drops
   * whatever it makes of them). Shared resources are made from every component, in or out.
   */
  readonly scope: ComponentScope;
}

/** A compilation target: model → planned resources. Pure and deterministic. */
export type TargetCompiler = (model: Model, context: CompileContext) => readonly PlannedResource[];

/**
 * Every compilation target. A new target registers one line here:
 * `{ kubernetes, observability, mesh, chaos, aws }`.
 */
export const TARGETS: Readonly<Record<string, TargetCompiler>> = {
  aws: (model, context) => compileAws(model, context.analysis, context.options.aws, context.scope).resources,
  kubernetes: (model, context) => compileKubernetes(model, context.options.kubernetes, context.scope),
  observability: (model, context) => compileObservability(model, context.analysis, {}, context.scope),
  mesh: (model, context) => compileMesh(model, context.analysis, context.scope),
  chaos: (model, context) =>
    compileChaos(model, context.analysis, { regionCidrs: context.options.kubernetes?.regionCidrs ?? {} }),
};

/**
 * Resource types whose inputs read the whole topology and the analysis, not only their component
 * and its neighbours: chaos Schedules (a slot counter staggers every experiment of the topology;
 * outcomes read the analysis). `diff` never takes one as unchanged (src/diff/unchanged-components.ts).
 */
export const WHOLE_TOPOLOGY_TYPES: ReadonlySet<string> = new Set([CHAOS_TYPES.schedule]);

/**
 * Two components whose names, joined as resource names join them (`<caller>-to-<callee>`,
 * `<store>-peers`), make the same name (`a` → `to-b` and `a-to` → `b`) are an input problem: the
 * spec must rename one. So is one component naming two whose names meet so (`api` calling `cache`,
 * whose members it dials as `api-to-cache-members`, and `cache-members`); other duplicates within
 * one component are a compiler bug.
 */
function nameCollision(model: Model, duplicates: ReadonlyMap<string, readonly PlannedResource[]>): Error {
  const index = modelIndex(model);
  const problems: Diagnostic[] = [];
  const said = new Set<string>();
  for (const [name, resources] of [...duplicates].sort(([a], [b]) => byText(a, b))) {
    const components = [...new Set(resources.map((r) => r.component))].sort(byText);
    const paths = components.map((c) => index.component(c)?.path);
    if (components.length === 1 && paths[0] !== undefined) {
      // One component's names joined with two it names (`api-to-cache-members`: to cache's members and to cache-members).
      const meeting = meetingNames(index.component(components[0]!)!, name);
      if (meeting === undefined) return new PlanConflictError([...duplicates.keys()].sort());
      if (said.has(components[0]!)) continue;
      said.add(components[0]!);
      problems.push(
        inputProblem(
          "compile/name-collision",
          paths[0],
          `${paths[0]} makes two resources named ${name} (${list([...new Set(resources.map((r) => r.type))])}): resource names join the names of the components it calls with "-", and those of ${meeting[0]} and ${meeting[1]} meet`,
          `rename ${meeting[1]}, e.g. ${meeting[1]} → ${meeting[1]}-svc`,
        ),
      );
      continue;
    }
    if (components.length < 2 || paths.some((p) => p === undefined))
      return new PlanConflictError([...duplicates.keys()].sort());
    // Once per pair of components (the same join meets in every region).
    if (said.has(components.join(" "))) continue;
    said.add(components.join(" "));
    problems.push(
      inputProblem(
        "compile/name-collision",
        paths[paths.length - 1]!,
        `${list(paths as string[])} compile to the same resource name ${name} (${list([...new Set(resources.map((r) => r.type))])}): resource names join component names with "-", and these joins meet`,
        `rename one of ${list(components)}, e.g. ${components[components.length - 1]} → ${components[components.length - 1]}-svc`,
      ),
    );
  }
  return new InputError(problems);
}

/**
 * Two components `component` names, one's name the other's, "-" and more, the longer ending the
 * duplicate resource name (as `api-to-cache-members` ends in cache-members); undefined when none.
 */
function meetingNames(component: ResolvedComponent, duplicate: string): [string, string] | undefined {
  const named = new Set(
    component.kind === "service"
      ? component.calls.map((call) => call.to)
      : component.kind === "stream"
        ? [...component.producers, ...component.consumers]
        : [],
  );
  for (const name of [...named].sort(byText))
    for (let at = name.indexOf("-"); at > 0; at = name.indexOf("-", at + 1))
      if (named.has(name.slice(0, at)) && duplicate.endsWith(`-${name}`)) return [name.slice(0, at), name];
  return undefined;
}

/** Thrown when one component plans the same logical name twice: a compiler bug, never an input problem. */
export class PlanConflictError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`resource names planned more than once: ${names.join(", ")}`);
    this.name = "PlanConflictError";
  }
}

/**
 * Compiles a model into a ResourcePlan by running every registered target. Names are unique
 * (checked) and stable; resources are sorted by provider, region, type, name.
 *
 * With a `scope`, the plan is the whole plan's shared resources, whole-topology ones and those of
 * the components in scope, and no others. The passes after the targets (AWS access, prerequisites)
 * then see only those; what they add for namespaces holds because every component's namespace is
 * planned as a shared resource (test/compile/scope.test.ts holds scoped plans equal to the whole
 * plan filtered). Name collisions are found among the resources made.
 */
export function compilePlan(
  model: Model,
  analysis?: Analysis,
  options: CompileOptions = {},
  scope: ComponentScope = EVERY_COMPONENT,
): ResourcePlan {
  const whole = scope === EVERY_COMPONENT;
  const kept = (r: PlannedResource) =>
    r.component === "" || WHOLE_TOPOLOGY_TYPES.has(r.type) || scope(r.component);
  // The add-ons' Helm releases follow the types of every resource, in scope or not.
  if (!whole && options.prerequisites?.installAddons === true) {
    const plan = compilePlan(model, analysis, options);
    return { ...plan, resources: plan.resources.filter(kept) };
  }
  const context: CompileContext = { ...(analysis === undefined ? {} : { analysis }), options, scope };
  const targets = Object.keys(TARGETS)
    .sort()
    .flatMap((target) => {
      const made = TARGETS[target]!(model, context);
      return whole ? made : made.filter(kept);
    });
  const resources = withPrerequisites(
    awsAccessResources(model, targets, options.awsAccess, scope),
    options.prerequisites,
  );
  const seen = new Map<string, PlannedResource>();
  const duplicates = new Map<string, PlannedResource[]>();
  for (const resource of resources) {
    const first = seen.get(resource.name);
    if (first !== undefined)
      duplicates.set(resource.name, [...(duplicates.get(resource.name) ?? [first]), resource]);
    else seen.set(resource.name, resource);
  }
  if (duplicates.size > 0) throw nameCollision(model, duplicates);
  return { topology: model.name, resources: sortResources(resources) };
}

export type { PlannedResource, ResourcePlan } from "./plan.js";
export { type ComponentScope, EVERY_COMPONENT } from "./scope.js";
