import type { Analysis, AnalysisChange } from "../analysis/types.js";
import { compareAnalyses } from "../analysis/whatif.js";
import type { CompileOptions } from "../compile/index.js";
import type { ResourcePlan } from "../compile/plan.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ComponentKind, Model, ResolvedComponent } from "../model/types.js";
import { byText } from "../order.js";
import { stableJson } from "../stable-json.js";
import { comparedPlans } from "./compared-plans.js";
import { type CostDelta, compareCost } from "./cost.js";
import { DESTRUCTIVE_FIELD_RULES } from "./destructive.js";
import {
  compareFields,
  type FieldChange,
  KIND_ORDER,
  KINDS,
  type KindSpec,
  topologyFields,
} from "./fields.js";
import { compareFindings, type FindingDelta, findingPlaces } from "./findings.js";
import { compareResources, REGION_CHANGE, type ResourceChange } from "./resources.js";
import { compareSlos, type SloDelta } from "./slo.js";

export { stableJson } from "../stable-json.js";
export { DESTRUCTIVE_FIELD_RULES } from "./destructive.js";
export { describeField, type FieldChange } from "./fields.js";
export type { ResourceChange } from "./resources.js";

/** One version of a topology as `diff` compares it: the model, its compiled plan and its analysis. */
export interface DiffSide {
  readonly model: Model;
  /** The compiled plan; may be left out when `planFromModel` is set (diffTopologies compiles it). */
  readonly plan?: ResourcePlan;
  readonly analysis: Analysis;
  /** The policy findings of this version (`runCheck`), for findings introduced and fixed. */
  readonly findings?: readonly Diagnostic[];
  /** Its suppressed findings: one the other version had and this one suppresses is not fixed. */
  readonly suppressed?: readonly Diagnostic[];
  /**
   * Set when the plan is `compilePlan(model, analysis, options)` (diffSide): between two such sides
   * compiled alike, the resources of components that did not change are neither compiled nor
   * compared (compared-plans.ts).
   */
  readonly planFromModel?: true;
  /** What its plan is compiled with: a stack's settings (`diff --stack-config`). @default {} */
  readonly options?: CompileOptions;
}

export interface ComponentChange {
  readonly kind: ComponentKind;
  readonly name: string;
  readonly path: string;
  readonly change: "added" | "removed" | "changed";
  /** Empty for added and removed components. */
  readonly fields: readonly FieldChange[];
}

export interface TopologyDiff {
  readonly before: string;
  readonly after: string;
  /** Sorted by kind (datastores, services, streams), then name. */
  readonly components: readonly ComponentChange[];
  /** Topology-wide inputs that changed (users, regions, network links, model settings, policies): fields.ts topologyFields. */
  readonly topology: readonly FieldChange[];
  /** Resources of the two compiled plans that differ: deletes, replaces, updates, creates. */
  readonly resources: readonly ResourceChange[];
  /** {@link compareAnalyses} from the old analysis to the new one. */
  readonly analysis: readonly AnalysisChange[];
  /** Declared SLOs whose target or prediction moved. */
  readonly slos: readonly SloDelta[];
  readonly cost: CostDelta;
  /** Present when both sides carry findings. */
  readonly findings?: FindingDelta;
  /** Changes that lose data or delete/replace a stateful resource: `destructive-change` errors. */
  readonly destructive: readonly Diagnostic[];
}

export const DESTRUCTIVE_CHANGE = "destructive-change";

/** Rules the new version's spec disables and the old one's did not (a --policy-config file applies to both). */
function newlyDisabled(before: Model, after: Model): Set<string> {
  const disabled = (model: Model) =>
    ((model.policies as { disabled?: readonly string[] }).disabled ?? []) as readonly string[];
  const was = new Set(disabled(before));
  return new Set(disabled(after).filter((id) => !was.has(id)));
}

function removedComponent(
  kind: KindSpec<ResolvedComponent>,
  component: ResolvedComponent,
  renamedTo: ResolvedComponent | undefined,
): Diagnostic {
  const regions = kind.regions(component).join(", ");
  if (renamedTo !== undefined)
    return {
      code: DESTRUCTIVE_CHANGE,
      severity: "error",
      path: component.path,
      message: `${kind.noun} ${component.name} is renamed to ${renamedTo.name} (every other field is the same): the name is the identity of its resources, so the rename deletes those of ${component.name}, with the data in ${regions}, and creates empty ones`,
      fix: `keep the name ${component.name}, or add ${renamedTo.path} beside it, migrate the data, then remove ${component.path}`,
      data: { rule: "component-renamed", renamedTo: renamedTo.name },
    };
  return {
    code: DESTRUCTIVE_CHANGE,
    severity: "error",
    path: component.path,
    message: `${kind.noun} ${component.name} is removed: its data in ${regions} would be deleted`,
    fix: `keep ${component.path} until its data is migrated or backed up, then remove it deliberately`,
    data: { rule: "component-removed" },
  };
}

/**
 * Components added with exactly the fields of a removed one (what a rename looks like), by the
 * removed one's name: each added component pairs with one removed component at most.
 */
function renames<C extends ResolvedComponent>(
  kind: KindSpec<C>,
  removed: readonly C[],
  added: readonly C[],
): Map<string, C> {
  const byFields = new Map<string, C[]>();
  for (const c of added) {
    const key = stableJson(kind.fields(c));
    const list = byFields.get(key);
    if (list === undefined) byFields.set(key, [c]);
    else list.push(c);
  }
  const out = new Map<string, C>();
  for (const c of removed) {
    const match = byFields.get(stableJson(kind.fields(c)))?.shift();
    if (match !== undefined) out.set(c.name, match);
  }
  return out;
}

/**
 * Protected (stateful) resources that the new plan deletes or replaces: `pulumi up` refuses both
 * ("cannot delete/replace protected resource"), and without protection the data would go.
 */
function protectedChanges(
  resources: readonly ResourceChange[],
  paths: ReadonlyMap<string, string>,
  removedComponents: ReadonlySet<string>,
): Diagnostic[] {
  const byComponent = new Map<string, ResourceChange[]>();
  for (const r of resources) {
    if (!r.protected || (r.action !== "delete" && r.action !== "replace")) continue;
    if (r.action === "delete" && removedComponents.has(r.component)) continue; // said once, by the component
    const list = byComponent.get(r.component) ?? [];
    list.push(r);
    byComponent.set(r.component, list);
  }
  const out: Diagnostic[] = [];
  for (const [component, changes] of byComponent) {
    for (const action of ["delete", "replace"] as const) {
      const these = changes.filter((c) => c.action === action);
      if (these.length === 0) continue;
      const why = [
        ...new Set(these.flatMap((c) => c.inputs.filter((i) => i.replaces).map((i) => i.replaces!.path))),
      ];
      out.push({
        code: DESTRUCTIVE_CHANGE,
        severity: "error",
        path: paths.get(component) ?? "(plan)",
        message:
          action === "delete"
            ? `${these.length} protected resource${these.length === 1 ? "" : "s"} would be deleted: ${these.map((r) => `${r.name} (${r.type}, ${r.region})`).join(", ")}`
            : `${these.length} protected resource${these.length === 1 ? "" : "s"} would be replaced (${why.join(", ")} cannot change in place): ${these.map((r) => `${r.name} (${r.type}, ${r.region})`).join(", ")}; pulumi up refuses to replace a protected resource, and a replacement starts with empty volumes`,
        fix:
          action === "delete"
            ? "keep the resources in the plan, or unprotect them deliberately (pulumi state unprotect) after the data is safe"
            : `${why.includes(REGION_CHANGE.path) ? `keep ${these.length === 1 ? "it" : "them"} in ${[...new Set(these.map((r) => r.region))].join(", ")} (an Aurora global cluster or a DynamoDB table: set deploy.homeRegion there), or ` : ""}make the change through a new component and migrate the data${why.some((p) => p.startsWith("spec.volumeClaimTemplates")) ? "; for bigger volumes, expand the existing claims (a StorageClass with allowVolumeExpansion) and keep the template" : ""}`,
        data: { rule: `protected-${action}`, resources: these.map((r) => r.name) },
      });
    }
  }
  return out;
}

/**
 * Destructive changes, the gravest first (a PR comment cut to its limit keeps them): protected
 * resources deleted or replaced and stateful components removed or renamed lose whole stores; the rest lose
 * a part (a shrunk volume, writes not shipped yet) or stop a deploy.
 */
const gravity = (d: Diagnostic): number => {
  const rule = String(d.data?.rule ?? "");
  return rule.startsWith("protected-") || rule === "component-removed" || rule === "component-renamed"
    ? 0
    : 1;
};

/**
 * What changes from `before` to `after`: components and their fields, resources of the compiled
 * plans with replace/update per field, the analysis, SLO margins, cost, findings introduced and
 * fixed, and the destructive changes. Pure and deterministic.
 */
export function diffTopologies(before: DiffSide, after: DiffSide): TopologyDiff {
  const components: ComponentChange[] = [];
  const destructive: Diagnostic[] = [];
  const removed = new Set<string>();
  const paths = new Map<string, string>();
  const catalogs = { before: before.model.catalog, after: after.model.catalog };
  for (const kindName of KIND_ORDER) {
    const kind = KINDS[kindName];
    const then = new Map(kind.list(before.model).map((c) => [c.name, c]));
    const now = new Map(kind.list(after.model).map((c) => [c.name, c]));
    const renamed = kind.stateful
      ? renames(
          kind,
          [...then.values()].filter((c) => !now.has(c.name)),
          [...now.values()].filter((c) => !then.has(c.name)),
        )
      : new Map<string, ResolvedComponent>();
    for (const name of [...new Set([...then.keys(), ...now.keys()])].sort()) {
      const old = then.get(name);
      const cur = now.get(name);
      paths.set(name, (cur ?? old)!.path);
      if (old === undefined && cur !== undefined) {
        components.push({ kind: kindName, name, path: cur.path, change: "added", fields: [] });
      } else if (old !== undefined && cur === undefined) {
        components.push({ kind: kindName, name, path: old.path, change: "removed", fields: [] });
        removed.add(name);
        if (kind.stateful) destructive.push(removedComponent(kind, old, renamed.get(name)));
      } else if (old !== undefined && cur !== undefined) {
        const fields = compareFields(cur.path, kind.fields(old), kind.fields(cur));
        if (fields.length === 0) continue;
        components.push({ kind: kindName, name, path: cur.path, change: "changed", fields });
        for (const change of fields) {
          const ctx = { noun: kind.noun, name, change, before: old, after: cur, catalogs };
          for (const rule of DESTRUCTIVE_FIELD_RULES) {
            if (!rule.kinds.includes(kindName) || !rule.field.test(change.field)) continue;
            if (!rule.applies(change.from, change.to, change, ctx)) continue;
            destructive.push({
              code: DESTRUCTIVE_CHANGE,
              severity: "error",
              path: change.path,
              message: rule.message(ctx),
              fix: rule.fix(ctx),
              data: { rule: rule.id },
            });
          }
        }
      }
    }
  }
  const plans = comparedPlans(before, after);
  const resources = compareResources(plans.before, plans.after, plans.unchanged);
  destructive.push(...protectedChanges(resources, paths, removed));
  return {
    before: before.model.name,
    after: after.model.name,
    components,
    topology: compareFields("", topologyFields(before.model.topology), topologyFields(after.model.topology)),
    resources,
    // compareAnalyses speaks of failures (whatif); here the change is the edit itself.
    analysis: compareAnalyses(before.analysis, after.analysis).map((c) => ({
      ...c,
      message: c.message.replace(/ while the failures last$/, ""),
    })),
    slos: compareSlos(before, after),
    cost: compareCost(before.analysis, after.analysis),
    ...(before.findings && after.findings
      ? {
          findings: compareFindings(
            before.findings,
            after.findings,
            new Set(components.filter((c) => c.change === "removed").map((c) => c.path)),
            { suppressed: after.suppressed ?? [], disabled: newlyDisabled(before.model, after.model) },
            { before: findingPlaces(before.model), after: findingPlaces(after.model) },
          ),
        }
      : {}),
    destructive: destructive.sort(
      (a, b) => gravity(a) - gravity(b) || byText(a.path, b.path) || byText(a.message, b.message),
    ),
  };
}
