import type { Analysis } from "../src/analysis/types.js";
import { isRef, type PlannedResource, type ResourcePlan } from "../src/compile/plan.js";
import type { Model } from "../src/model/types.js";
import { topologyFromData } from "../src/pipeline.js";
import { generateTopology } from "./generate.js";
import { exported, importOptional } from "./lib/optional.js";
import { generatedManifestPlan } from "./manifests.js";

type CompilePlan = (model: Model, analysis?: Analysis) => ResourcePlan;
type Analyse = (model: Model) => Analysis;

/** The generated topology a plan was compiled from (bench/generate.ts), to compile it again. */
export interface BenchSpec {
  readonly seed: number;
  readonly services: number;
}

/** The topology `specOf` generates for a bench plan. */
export const specOf = ({ seed, services }: BenchSpec) =>
  generateTopology({ seed, services, partitions: services * 5, name: "bench" });

export interface BenchPlan {
  /** Where the objects came from: the real compiler, or bench/manifests.ts (and why). */
  readonly source: string;
  readonly plan: ResourcePlan;
  /** Set when compiled: the plan is the first Kubernetes objects of this topology's plan. */
  readonly spec?: BenchSpec;
}

const COMPILE = "src/compile/index.ts";

/**
 * A plan of exactly `count` Kubernetes objects: compiled from a generated topology when
 * src/compile exists (services scaled until the plan holds enough), otherwise generated directly.
 */
export async function kubernetesPlan(count: number, seed = 7, closed = false): Promise<BenchPlan> {
  const compile = exported<CompilePlan>(await importOptional(COMPILE), COMPILE, "compilePlan");
  if (!compile.ok)
    return { source: `bench/manifests.ts (${compile.reason})`, plan: generatedManifestPlan(count, seed) };
  const analysis = exported<Analyse>(await importOptional("src/analysis/index.ts"), "", "analyse");

  const compileWith = (services: number) => {
    const topology = specOf({ seed, services });
    const { model } = topologyFromData({ file: "bench.ts", format: "typescript", text: "", data: topology });
    const plan = analysis.ok ? compile.module(model, analysis.module(model)) : compile.module(model);
    return { plan, objects: plan.resources.filter((r) => r.provider === "kubernetes") };
  };
  /** Fewer services whose plan still holds `count` objects (objects grow about linearly with services). */
  const tighter = (services: number, objects: number) => {
    let guess = Math.floor((services * count) / objects);
    for (let tries = 0; tries < 4 && guess < services; tries++) {
      const compiled = compileWith(guess);
      if (compiled.objects.length >= count) return { services: guess, compiled };
      guess +=
        Math.ceil(((count - compiled.objects.length) * guess) / Math.max(1, compiled.objects.length)) + 1;
    }
    return undefined;
  };
  // Calibrate objects per service on a small topology, then compile one just big enough.
  const probe = compileWith(40);
  let services = Math.max(40, Math.ceil((count / Math.max(1, probe.objects.length)) * 40 * 1.1));
  for (let attempt = 0; attempt < 4; attempt++) {
    let compiled = compileWith(services);
    if (!closed && compiled.objects.length >= count) {
      // The render scenario times the compile too: its topology should make about `count`
      // objects, not the calibration's tenth more (a closed subset needs that slack).
      const tight = tighter(services, compiled.objects.length);
      if (tight !== undefined) ({ services, compiled } = tight);
    }
    const { plan, objects } = compiled;
    const kubernetes = { topology: plan.topology, resources: objects };
    const chosen = closed
      ? closedSubset(kubernetes, count)
      : { ...kubernetes, resources: objects.slice(0, count) };
    // A closed subset may fall a little short of `count`: accept 95%.
    if (chosen.resources.length >= (closed ? 0.95 : 1) * count) {
      return {
        source: `compilePlan (${services} services, ${plan.resources.length} resources; the first ${chosen.resources.length} Kubernetes objects${closed ? " with their dependencies" : ""})`,
        plan: chosen,
        ...(closed ? {} : { spec: { seed, services } }),
      };
    }
    services = Math.ceil(services * (count / Math.max(1, objects.length)) * 1.2);
  }
  throw new Error(`compilePlan did not yield ${count} Kubernetes objects`);
}

/** Names a resource needs to exist first: dependsOn and the targets of its refs. */
export function dependenciesOf(resource: PlannedResource): string[] {
  const found = new Set<string>(resource.options?.dependsOn ?? []);
  const visit = (value: unknown): void => {
    if (isRef(value)) found.add(value.$ref);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(resource.inputs);
  return [...found];
}

/**
 * At most `count` resources, closed under dependencies (a resource comes with everything it
 * refers to or depends on), taken in plan order: a slice of a real plan that can be registered
 * on its own, by topoplan's adapter and by a bare loop alike.
 */
export function closedSubset(plan: ResourcePlan, count: number): ResourcePlan {
  const byName = new Map(plan.resources.map((r) => [r.name, r]));
  const picked = new Set<string>();
  const closure = (name: string, into: Set<string>): boolean => {
    if (picked.has(name) || into.has(name)) return true;
    const resource = byName.get(name);
    if (resource === undefined) return false;
    into.add(name);
    return dependenciesOf(resource).every((d) => closure(d, into));
  };
  for (const resource of plan.resources) {
    if (picked.size >= count) break;
    const needed = new Set<string>();
    if (!closure(resource.name, needed) || picked.size + needed.size > count) continue;
    for (const name of needed) picked.add(name);
  }
  return { topology: plan.topology, resources: plan.resources.filter((r) => picked.has(r.name)) };
}
