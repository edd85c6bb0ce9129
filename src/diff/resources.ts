import { readInputs, sameInputsKey } from "../compile/deferred.js";
import { WHOLE_TOPOLOGY_TYPES } from "../compile/index.js";
import { isRef, type PlannedResource, type ResourcePlan } from "../compile/plan.js";
import { byText } from "../order.js";
import { sameData } from "../same-data.js";
import { stableJson } from "../stable-json.js";
import { type ImmutableField, immutableFieldOf } from "./immutable.js";
import type { UnchangedComponent } from "./unchanged-components.js";

/** What the provider does with one resource: like `pulumi preview`'s +, ~, +-, -. */
export type ResourceAction = "create" | "update" | "replace" | "delete";

/** One input that differs, at its leaf path (`spec.volumeClaimTemplates[0].spec.resources.requests.storage`). */
export interface InputChange {
  readonly path: string;
  /** Absent when the input is new. */
  readonly from?: unknown;
  /** Absent when the input is removed. */
  readonly to?: unknown;
  /** Set when this change forces the replacement, with the documented reason. */
  readonly replaces?: ImmutableField;
}

export interface ResourceChange {
  readonly name: string;
  readonly type: string;
  readonly region: string;
  readonly component: string;
  readonly action: ResourceAction;
  /** Stateful: Pulumi `protect` (a replace or delete of it fails `pulumi up`). */
  readonly protected: boolean;
  /** Empty for create and delete. */
  readonly inputs: readonly InputChange[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !isRef(v);

const child = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;

/**
 * Leaf differences between two input trees. Objects recurse by key; arrays of objects of the same
 * length recurse by index (a StatefulSet's one claim template, a container list); anything else is
 * compared whole. Linear in the size of the two trees.
 */
function compareInputs(path: string, a: unknown, b: unknown, out: InputChange[]): void {
  // Most resources and subtrees are unchanged: one allocation-free walk settles those.
  if (sameData(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const x = a[key];
      const y = b[key];
      // Manifests are compared as built (readInputs, copy: false): an undefined member is absent.
      if (x === undefined && y === undefined) continue;
      const at = child(path, key);
      if (x === undefined) out.push({ path: at, to: y });
      else if (y === undefined) out.push({ path: at, from: x });
      else compareInputs(at, x, y, out);
    }
    return;
  }
  if (
    Array.isArray(a) &&
    Array.isArray(b) &&
    a.length === b.length &&
    a.some(isPlainObject) &&
    b.some(isPlainObject)
  ) {
    // JSON writes an undefined item as null.
    for (const [i, x] of a.entries()) compareInputs(child(path, i), x ?? null, b[i] ?? null, out);
    return;
  }
  if (stableJson(a) !== stableJson(b)) out.push({ path, from: a, to: b });
}

function change(
  action: ResourceAction,
  resource: PlannedResource,
  inputs: readonly InputChange[] = [],
): ResourceChange {
  return {
    name: resource.name,
    type: resource.type,
    region: resource.region,
    component: resource.component,
    action,
    protected: resource.options?.protect === true,
    inputs,
  };
}

/** A new type under the same name: the type is part of a Pulumi resource's URN, so it is another resource. */
const TYPE_CHANGE: ImmutableField = {
  path: "(type)",
  source:
    "Pulumi: the type token is part of the resource's URN; the old resource is deleted, a new one created",
};

/**
 * A new region under the same name. A resource's region is its provider's (one provider per
 * region): nothing moves a resource between regions in place. @pulumi/aws v7 no longer replaces a
 * provider's resources when its region changes (pulumi-aws#5656: "will instead require a separate
 * `pulumi destroy` and `pulumi up`"), so at best the resource is replaced, at worst `pulumi up`
 * looks for it in the new region and fails.
 */
export const REGION_CHANGE: ImmutableField = {
  path: "(region)",
  source:
    "a resource's provider is its region's; a resource cannot move between regions in place (pulumi-aws#5656): it is deleted and created again",
};

/**
 * AWS services with no region (IAM, Route 53, CloudFront, Organizations: global endpoints): any
 * region's provider reads and updates the same resource, so a new region is no move for them.
 */
const GLOBAL_SERVICE = /^aws:(iam|route53|cloudfront|organizations)\//;

/**
 * Whether Pulumi ignores a change at `path`: the program's `ignoreChanges` lists it or a parent
 * (Pulumi docs, resource option ignoreChanges: "changes to the listed properties are ignored"), so
 * `pulumi preview` shows no diff for it and it never forces a replacement.
 */
function ignored(path: string, ignoreChanges: readonly string[] | undefined): boolean {
  return (ignoreChanges ?? []).some(
    (p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`),
  );
}

const ACTION_ORDER: Readonly<Record<ResourceAction, number>> = {
  delete: 0,
  replace: 1,
  update: 2,
  create: 3,
};

/**
 * Every resource that differs between two compiled plans, with its input changes and whether the
 * provider updates it in place or replaces it ({@link immutableFieldOf}). Sorted: deletes, replaces,
 * updates, creates; then by name. One pass over each plan. With `unchanged` (both plans compiled
 * alike, unchanged-components.ts), a resource in both plans under the same name, type, region and
 * component, of a component `unchanged` names, is taken as equal without building its inputs —
 * but a shared one (component "") or one of {@link WHOLE_TOPOLOGY_TYPES}. So is one whose inputs
 * are settled by equal keys in both plans (a region's dashboard, compile/deferred.ts withInputsKey).
 */
export function compareResources(
  before: ResourcePlan,
  after: ResourcePlan,
  unchanged?: UnchangedComponent,
): ResourceChange[] {
  const then = new Map(before.resources.map((r) => [r.name, r]));
  const out: ResourceChange[] = [];
  const seen = new Set<string>();
  for (const now of after.resources) {
    seen.add(now.name);
    const old = then.get(now.name);
    if (old === undefined) {
      out.push(change("create", now));
      continue;
    }
    if (old.type !== now.type) {
      out.push(
        change("replace", old, [{ path: "(type)", from: old.type, to: now.type, replaces: TYPE_CHANGE }]),
      );
      continue;
    }
    if (
      unchanged !== undefined &&
      now.component !== "" &&
      old.component === now.component &&
      old.region === now.region &&
      !WHOLE_TOPOLOGY_TYPES.has(now.type) &&
      unchanged(now.component)
    )
      continue;
    // Inputs settled by a key (a dashboard's): equal keys, nothing to build or compare.
    if (old.region === now.region && sameInputsKey(old, now)) continue;
    const found: InputChange[] = [];
    // Built for this comparison and dropped: the diff never holds two plans of manifests. Not
    // copied as plain data: compared as JSON would compare them (undefined members absent).
    compareInputs("", readInputs(old, { copy: false }), readInputs(now, { copy: false }), found);
    // The program being applied decides what Pulumi ignores.
    const inputs = found.filter((c) => !ignored(c.path, now.options?.ignoreChanges));
    if (old.region !== now.region && !GLOBAL_SERVICE.test(now.type))
      inputs.unshift({ path: "(region)", from: old.region, to: now.region, replaces: REGION_CHANGE });
    if (inputs.length === 0) continue;
    const marked = inputs.map((c) => {
      if (c.replaces !== undefined) return c;
      const replaces = immutableFieldOf(now.type, c.path);
      return replaces === undefined ? c : { ...c, replaces };
    });
    out.push(change(marked.some((c) => c.replaces) ? "replace" : "update", old, marked));
  }
  for (const old of before.resources) if (!seen.has(old.name)) out.push(change("delete", old));
  return out.sort((a, b) => ACTION_ORDER[a.action] - ACTION_ORDER[b.action] || byText(a.name, b.name));
}

/** A value as a reviewer reads it: refs as `name.property`, scalars bare, the rest as JSON. */
export function showInput(value: unknown): string {
  if (value === undefined) return "(none)";
  if (isRef(value)) return `${value.$ref}.${value.property}`;
  if (typeof value === "string") return value;
  return stableJson(value);
}
