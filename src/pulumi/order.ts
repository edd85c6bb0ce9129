import {
  isRef,
  isRuntimeValue,
  type PlannedResource,
  type Ref,
  type ResourcePlan,
  type RuntimeValue,
} from "../compile/plan.js";

/**
 * The pure half of the adapter (the awsx split: planning logic beside, not inside, the resource
 * wiring): checks a plan's references and orders its resources so that every resource is created
 * after the ones it refers to. No Pulumi here.
 */

/** A plan the adapter cannot instantiate; lists every problem found, not just the first. */
export class PlanError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `the resource plan cannot be deployed: ${problems[0]}`
        : `the resource plan cannot be deployed (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "PlanError";
  }
}

export interface OrderedResource {
  readonly resource: PlannedResource;
  /**
   * Whether `inputs` hold at least one {@link Ref} or {@link RuntimeValue} (only those are copied
   * to substitute outputs).
   */
  readonly hasRefs: boolean;
}

/**
 * Checks names, refs and dependsOn, and returns the resources in creation order: a stable
 * topological order (Kahn's algorithm, ties kept in plan order). Throws {@link PlanError} on
 * duplicate names, refs or dependsOn naming no planned resource, malformed refs and cycles.
 */
export function orderPlan(plan: ResourcePlan): OrderedResource[] {
  const problems: string[] = [];
  const index = new Map<string, number>();
  plan.resources.forEach((r, i) => {
    if (index.has(r.name)) problems.push(`two resources are named "${r.name}"; Pulumi names must be unique`);
    else index.set(r.name, i);
  });

  const count = plan.resources.length;
  const dependents: number[][] = Array.from({ length: count }, () => []);
  const indegree = new Array<number>(count).fill(0);
  const hasRefs = new Array<boolean>(count).fill(false);
  const edges: Array<Set<number>> = Array.from({ length: count }, () => new Set());

  plan.resources.forEach((r, i) => {
    const depend = (target: string, via: string) => {
      const j = index.get(target);
      if (j === undefined) {
        problems.push(`"${r.name}" ${via} "${target}", which is not in the plan`);
        return;
      }
      if (j === i) {
        problems.push(`"${r.name}" ${via} itself`);
        return;
      }
      if (edges[i]!.has(j)) return;
      edges[i]!.add(j);
      dependents[j]!.push(i);
      indegree[i]!++;
    };
    collectRefs(r.inputs, "inputs", (ref, path) => {
      hasRefs[i] = true;
      if (typeof ref.property !== "string" || ref.property === "")
        problems.push(`"${r.name}" has a ref to "${ref.$ref}" at ${path} without an output property`);
      depend(ref.$ref, `refers (at ${path}) to`);
    });
    for (const target of r.options?.dependsOn ?? []) depend(target, "dependsOn");
    if (!hasRefs[i] && hasRuntimeValue(r.inputs)) hasRefs[i] = true;
  });
  if (problems.length > 0) throw new PlanError(problems);

  // Kahn's algorithm; a min-index queue would be O(n log n), but a FIFO seeded in plan order is
  // already deterministic and keeps the common case (no refs) a single pass.
  const order: OrderedResource[] = [];
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    order.push({ resource: plan.resources[i]!, hasRefs: hasRefs[i]! });
    for (const d of dependents[i]!) if (--indegree[d]! === 0) queue.push(d);
  }
  if (order.length < count) {
    throw new PlanError([`dependency cycle: ${findCycle(plan, edges, indegree).join(" → ")}`]);
  }
  return order;
}

/** One cycle among the nodes Kahn's algorithm could not place, as names (first repeated last). */
function findCycle(
  plan: ResourcePlan,
  edges: ReadonlyArray<Set<number>>,
  indegree: readonly number[],
): string[] {
  const start = indegree.findIndex((d) => d > 0);
  // Every unplaced node depends on at least one unplaced node, so walking such edges must revisit one.
  const seen = new Map<number, number>();
  const path: number[] = [];
  let node = start;
  while (!seen.has(node)) {
    seen.set(node, path.length);
    path.push(node);
    node = [...edges[node]!].find((j) => indegree[j]! > 0)!;
  }
  return [...path.slice(seen.get(node)), node].map((i) => plan.resources[i]!.name);
}

function hasRuntimeValue(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isRuntimeValue(value)) return true;
  return Object.values(value).some(hasRuntimeValue);
}

/** Calls `visit` for every Ref in `value`, with its path (`inputs.spec.bucket`). */
export function collectRefs(value: unknown, path: string, visit: (ref: Ref, path: string) => void): void {
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectRefs(value[i], `${path}[${i}]`, visit);
    return;
  }
  if (isRef(value)) {
    visit(value, path);
    return;
  }
  for (const key in value) collectRefs((value as Record<string, unknown>)[key], `${path}.${key}`, visit);
}

/**
 * Returns `value` with every Ref replaced by `resolve(ref)`. Copy-on-write: only the objects and
 * arrays on the way to a ref are copied; everything else is shared with the plan.
 */
export function substituteRefs<T>(
  value: T,
  resolve: (ref: Ref) => unknown,
  runtime: (value: RuntimeValue) => unknown = (v) => v,
): T {
  return substitute(value, (v) => (isRef(v) ? resolve(v) : runtime(v))) as T;
}

function substitute(value: unknown, resolve: (ref: Ref | RuntimeValue) => unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isRef(value) || isRuntimeValue(value)) return resolve(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = substitute(value[i], resolve);
      if (item !== value[i]) {
        out ??= value.slice();
        out[i] = item;
      }
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = substitute(record[key], resolve);
    if (item !== record[key]) {
      out ??= { ...record };
      out[key] = item;
    }
  }
  return out ?? value;
}
