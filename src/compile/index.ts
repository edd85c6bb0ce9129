import type { Analysis } from "../analysis/types.js";
import type { Model } from "../model/types.js";
import { type AwsCompileOptions, compileAws } from "./aws/index.js";
import { type AwsAccessOptions, awsAccessResources } from "./aws-access/index.js";
import { TYPES as CHAOS_TYPES, compileChaos } from "./chaos/index.js";
import { compileKubernetes, type KubernetesOptions } from "./kubernetes/index.js";
import { compileMesh } from "./mesh/index.js";
import { compileObservability } from "./observability/index.js";
import { type PlannedResource, type ResourcePlan, sortResources } from "./plan.js";
import { type PrerequisiteOptions, withPrerequisites } from "./prerequisites/index.js";

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
}

/** A compilation target: model → planned resources. Pure and deterministic. */
export type TargetCompiler = (model: Model, context: CompileContext) => readonly PlannedResource[];

/**
 * Every compilation target. A new target registers one line here:
 * `{ kubernetes, observability, mesh, chaos, aws }`.
 */
export const TARGETS: Readonly<Record<string, TargetCompiler>> = {
  aws: (model, context) => compileAws(model, context.analysis, context.options.aws).resources,
  kubernetes: (model, context) => compileKubernetes(model, context.options.kubernetes),
  observability: (model, context) => compileObservability(model, context.analysis),
  mesh: (model, context) => compileMesh(model, context.analysis),
  chaos: (model, context) =>
    compileChaos(model, context.analysis, { regionCidrs: context.options.kubernetes?.regionCidrs ?? {} }),
};

/**
 * Resource types whose inputs read the whole topology and the analysis, not only their component
 * and its neighbours: chaos Schedules (a slot counter staggers every experiment of the topology;
 * outcomes read the analysis). `diff` never takes one as unchanged (src/diff/unchanged-components.ts).
 */
export const WHOLE_TOPOLOGY_TYPES: ReadonlySet<string> = new Set([CHAOS_TYPES.schedule]);

/** Thrown when two targets plan the same logical name: a compiler bug, never an input problem. */
export class PlanConflictError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`resource names planned more than once: ${names.join(", ")}`);
    this.name = "PlanConflictError";
  }
}

/**
 * Compiles a model into a ResourcePlan by running every registered target. Names are unique
 * (checked) and stable; resources are sorted by provider, region, type, name.
 */
export function compilePlan(model: Model, analysis?: Analysis, options: CompileOptions = {}): ResourcePlan {
  const context: CompileContext = { ...(analysis === undefined ? {} : { analysis }), options };
  const targets = Object.keys(TARGETS)
    .sort()
    .flatMap((target) => TARGETS[target]!(model, context));
  const resources = withPrerequisites(
    awsAccessResources(model, targets, options.awsAccess),
    options.prerequisites,
  );
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const resource of resources) {
    if (seen.has(resource.name)) duplicates.add(resource.name);
    seen.add(resource.name);
  }
  if (duplicates.size > 0) throw new PlanConflictError([...duplicates].sort());
  return { topology: model.name, resources: sortResources(resources) };
}

export type { PlannedResource, ResourcePlan } from "./plan.js";
