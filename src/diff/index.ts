import type { Analysis, AnalysisChange } from "../analysis/types.js";
import { compareAnalyses } from "../analysis/whatif.js";
import type { PlannedResource, ResourcePlan } from "../compile/plan.js";
import { type Diagnostic, formatPath, parsePath } from "../diagnostics/diagnostic.js";
import type {
  ComponentKind,
  Model,
  ResolvedComponent,
  ResolvedDatastore,
  ResolvedService,
  ResolvedStream,
} from "../model/types.js";
import { sameData } from "./same-data.js";

/** One version of a topology as `diff` compares it: the model, its compiled plan and its analysis. */
export interface DiffSide {
  readonly model: Model;
  readonly plan: ResourcePlan;
  readonly analysis: Analysis;
}

/** A field of a component that differs. Lists (regions, residency, calls) say what was added and removed. */
export interface FieldChange {
  /** Relative to the component, e.g. `placement["eu-west-1"]`, `partitions.key`, `calls`. */
  readonly field: string;
  /** Full spec path, e.g. `datastores.accounts.placement["eu-west-1"]`. */
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
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
  /** Logical resource names of the two compiled plans, sorted. */
  readonly resources: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: readonly string[];
  };
  /** {@link compareAnalyses} from the old analysis to the new one. */
  readonly analysis: readonly AnalysisChange[];
  /** Changes that lose data or delete/replace a stateful resource: `destructive-change` errors. */
  readonly destructive: readonly Diagnostic[];
}

export const DESTRUCTIVE_CHANGE = "destructive-change";

type Fields = ReadonlyArray<readonly [field: string, value: unknown]>;

interface KindSpec<C extends ResolvedComponent> {
  readonly noun: string;
  /** Holds data: removing it deletes the data. */
  readonly stateful: boolean;
  list(model: Model): readonly C[];
  /** The fields that matter for a diff, keyed by their path relative to the component. */
  fields(component: C): Fields;
  regions(component: C): readonly string[];
}

const at = (...segments: string[]) => formatPath(segments);

function deployFields(deploy: unknown): Fields {
  const d = (deploy ?? {}) as Record<string, unknown>;
  return [
    ["deploy.target", d.target],
    ["deploy.service", d.service],
    ["deploy.image", d.image],
    ["deploy.storageGi", d.storageGi],
  ];
}

function sloFields(slo: object): Fields {
  return Object.entries(slo).map(([key, value]) => [`slo.${key}`, value] as const);
}

const datastoreKind: KindSpec<ResolvedDatastore> = {
  noun: "datastore",
  stateful: true,
  list: (m) => m.datastores,
  regions: (d) => d.regions,
  fields: (d) => [
    ["replication", d.replication],
    ["consistency", d.consistency],
    ["replicas", d.replicas],
    ...d.placement.map((p) => [at("placement", p.region), p.replicas] as const),
    ["leader", d.leader],
    ["survive", d.survive],
    ["residency", d.residency],
    ["partitions.count", d.partitions.count],
    ["partitions.key", d.partitions.key],
    ["partitions.strategy", d.partitions.strategy],
    ...sloFields(d.slo),
    ...deployFields(d.deploy),
  ],
};

const serviceKind: KindSpec<ResolvedService> = {
  noun: "service",
  stateful: false,
  list: (m) => m.services,
  regions: (s) => s.regions,
  fields: (s) => [
    ["regions", s.regions],
    ["replicasPerRegion", s.replicasPerRegion],
    ["residency", s.residency],
    ["calls", s.calls.map((c) => `${c.op} ${c.to}`)],
    ...sloFields(s.slo),
    ...deployFields(s.deploy),
  ],
};

const streamKind: KindSpec<ResolvedStream> = {
  noun: "stream",
  stateful: true,
  list: (m) => m.streams,
  regions: (s) => s.regions,
  fields: (s) => [
    ["regions", s.regions],
    ["partitions", s.partitions],
    ["replicas", s.replicas],
    ["minInSync", s.minInSync],
    ["delivery", s.delivery],
    ["residency", s.residency],
    ...sloFields(s.slo),
    ...deployFields(s.deploy),
  ],
};

const erase = <C extends ResolvedComponent>(spec: KindSpec<C>) =>
  spec as unknown as KindSpec<ResolvedComponent>;

/** Every component kind; a new kind registers one line here. */
const KINDS: Readonly<Record<ComponentKind, KindSpec<ResolvedComponent>>> = {
  datastore: erase(datastoreKind),
  service: erase(serviceKind),
  stream: erase(streamKind),
};
const KIND_ORDER: readonly ComponentKind[] = ["datastore", "service", "stream"];

/** JSON with object keys sorted, so key order never counts as a change. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

const sortedStrings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map(String).sort() : undefined;

function compareFields(path: string, before: Fields, after: Fields): FieldChange[] {
  const then = new Map(before);
  const now = new Map(after);
  const keys = [...new Set([...then.keys(), ...now.keys()])];
  const out: FieldChange[] = [];
  for (const field of keys) {
    const from = then.get(field);
    const to = now.get(field);
    if (stableJson(from) === stableJson(to)) continue;
    const full = `${path}${field.startsWith("[") ? "" : "."}${field}`;
    const listFrom = sortedStrings(from);
    const listTo = sortedStrings(to);
    if (listFrom !== undefined || listTo !== undefined) {
      const a = listFrom ?? [];
      const b = listTo ?? [];
      const added = b.filter((x) => !a.includes(x));
      const removed = a.filter((x) => !b.includes(x));
      if (added.length === 0 && removed.length === 0) continue; // same members, other order
      out.push({ field, path: full, from, to, added, removed });
      continue;
    }
    out.push({
      field,
      path: full,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    });
  }
  return out;
}

/** `a → b` for scalars, `+a, −b` for lists; `(none)` for an unset value. */
export function describeField(change: FieldChange): string {
  if (change.added !== undefined || change.removed !== undefined) {
    const parts = [
      ...(change.added ?? []).map((x) => `+${x}`),
      ...(change.removed ?? []).map((x) => `−${x}`),
    ];
    return `${change.field}: ${parts.join(", ")}`;
  }
  return `${change.field}: ${show(change.from)} → ${show(change.to)}`;
}

const show = (value: unknown): string =>
  value === undefined ? "(none)" : typeof value === "string" ? value : stableJson(value);

// ── destructive changes ─────────────────────────────────────────────────────────────────────────

interface FieldRuleContext {
  readonly noun: string;
  readonly name: string;
  readonly change: FieldChange;
  readonly before: ResolvedComponent;
  readonly after: ResolvedComponent;
}

/** A field change that loses data. The table is the documented rule list (docs/policies.md). */
interface DestructiveFieldRule {
  readonly kinds: readonly ComponentKind[];
  readonly field: RegExp;
  readonly applies: (from: unknown, to: unknown, change: FieldChange) => boolean;
  readonly message: (ctx: FieldRuleContext) => string;
  readonly fix: (ctx: FieldRuleContext) => string;
}

const num = (value: unknown): number => (typeof value === "number" ? value : 0);
const regionOf = (field: string) => String(parsePath(field)[1] ?? field);

export const DESTRUCTIVE_FIELD_RULES: readonly DestructiveFieldRule[] = [
  {
    kinds: ["datastore"],
    field: /^placement[.[]/,
    applies: (from, to) => num(to) < num(from),
    message: ({ change }) => {
      const lost = num(change.from) - num(change.to);
      return `replicas in ${regionOf(change.field)}: ${num(change.from)} → ${num(change.to)}; scaling the StatefulSet down deletes ${lost} replica${lost === 1 ? "'s" : "s'"} volume${lost === 1 ? "" : "s"} unless the PersistentVolumeClaims are retained`;
    },
    fix: () =>
      "add the new replicas first and let them catch up, then remove these in a separate change (or retain the claims: persistentVolumeClaimRetentionPolicy Retain)",
  },
  {
    kinds: ["stream"],
    field: /^replicas$/,
    applies: (from, to) => num(to) < num(from),
    message: ({ change }) =>
      `replicas per region: ${num(change.from)} → ${num(change.to)}; scaling the brokers down deletes ${num(change.from) - num(change.to)} broker volume(s) in every region unless the PersistentVolumeClaims are retained`,
    fix: () => "reassign the partitions off the brokers first, then scale down in a separate change",
  },
  {
    kinds: ["stream"],
    field: /^regions$/,
    applies: (_from, _to, change) => (change.removed ?? []).length > 0,
    message: ({ change }) =>
      `the stream's cluster in ${(change.removed ?? []).join(", ")} would be deleted with its retained messages`,
    fix: () => "drain the cluster (let consumers catch up, mirror what must stay) before removing the region",
  },
  {
    kinds: ["datastore"],
    field: /^partitions\.(key|strategy)$/,
    applies: () => true,
    message: ({ change, before }) =>
      `${change.field === "partitions.key" ? "partition key" : "partition strategy"} ${show(change.from)} → ${show(change.to)} on an existing datastore re-shards every item (${(before as ResolvedDatastore).partitions.count} partitions)`,
    fix: () => "create a new datastore with the new partitioning and migrate the data into it",
  },
  {
    kinds: ["datastore", "stream"],
    field: /^deploy\.storageGi$/,
    applies: (from, to) => typeof from === "number" && typeof to === "number" && to < from,
    message: ({ change }) =>
      `volume size ${num(change.from)} → ${num(change.to)} GiB: volumes cannot shrink, so the volumes would have to be replaced`,
    fix: ({ change }) =>
      `keep storageGi: ${num(change.from)}, or migrate to a new component with smaller volumes`,
  },
  {
    kinds: ["datastore"],
    field: /^replication$/,
    applies: () => true,
    message: ({ change }) =>
      `replication model ${show(change.from)} → ${show(change.to)}: the cluster would be replaced and its data must be migrated`,
    fix: () => "create a new datastore with the new replication model and migrate the data into it",
  },
  {
    kinds: ["datastore", "stream"],
    field: /^deploy\.(target|service)$/,
    applies: (from) => from !== undefined,
    message: ({ change }) =>
      `${change.field === "deploy.target" ? "deploy target" : "deploy service"} ${show(change.from)} → ${show(change.to)}: the resources holding the data would be deleted and empty ones created`,
    fix: () => "add the new deployment as a new component, migrate the data, then remove the old one",
  },
];

function removedComponent(kind: KindSpec<ResolvedComponent>, component: ResolvedComponent): Diagnostic {
  return {
    code: DESTRUCTIVE_CHANGE,
    severity: "error",
    path: component.path,
    message: `${kind.noun} ${component.name} is removed: its data in ${kind.regions(component).join(", ")} would be deleted`,
    fix: `keep ${component.path} until its data is migrated or backed up, then remove it deliberately`,
  };
}

function removedProtected(
  before: DiffSide,
  after: DiffSide,
  removedComponents: ReadonlySet<string>,
): Diagnostic[] {
  const kept = new Set(after.plan.resources.map((r) => r.name));
  const byComponent = new Map<string, PlannedResource[]>();
  for (const resource of before.plan.resources) {
    if (resource.options?.protect !== true || kept.has(resource.name)) continue;
    if (removedComponents.has(resource.component)) continue; // said once, by the removed component
    const list = byComponent.get(resource.component) ?? [];
    list.push(resource);
    byComponent.set(resource.component, list);
  }
  const paths = new Map<string, string>(
    KIND_ORDER.flatMap((kind) => KINDS[kind].list(before.model).map((c) => [c.name, c.path] as const)),
  );
  return [...byComponent.entries()].map(([component, resources]) => ({
    code: DESTRUCTIVE_CHANGE,
    severity: "error" as const,
    path: paths.get(component) ?? "(plan)",
    message: `${resources.length} protected resource${resources.length === 1 ? "" : "s"} would be deleted: ${resources
      .map((r) => `${r.name} (${r.type}, ${r.region})`)
      .join(", ")}`,
    fix: "keep the resources in the plan, or unprotect them deliberately (pulumi state unprotect) after the data is safe",
    data: { resources: resources.map((r) => r.name) },
  }));
}

function compareResources(before: ResourcePlan, after: ResourcePlan): TopologyDiff["resources"] {
  const then = new Map(before.resources.map((r) => [r.name, r]));
  const now = new Map(after.resources.map((r) => [r.name, r]));
  const sorted = (names: Iterable<string>) => [...names].sort();
  return {
    added: sorted([...now.keys()].filter((n) => !then.has(n))),
    removed: sorted([...then.keys()].filter((n) => !now.has(n))),
    changed: sorted(
      [...now.entries()]
        .filter(([name, r]) => {
          const old = then.get(name);
          return old !== undefined && !sameData(old.inputs, r.inputs);
        })
        .map(([name]) => name),
    ),
  };
}

/**
 * What changes from `before` to `after`: components and their fields, resources of the compiled
 * plans, the analysis, and the destructive changes. Pure and deterministic.
 */
export function diffTopologies(before: DiffSide, after: DiffSide): TopologyDiff {
  const components: ComponentChange[] = [];
  const destructive: Diagnostic[] = [];
  const removed = new Set<string>();
  for (const kindName of KIND_ORDER) {
    const kind = KINDS[kindName];
    const then = new Map(kind.list(before.model).map((c) => [c.name, c]));
    const now = new Map(kind.list(after.model).map((c) => [c.name, c]));
    for (const name of [...new Set([...then.keys(), ...now.keys()])].sort()) {
      const old = then.get(name);
      const cur = now.get(name);
      if (old === undefined && cur !== undefined) {
        components.push({ kind: kindName, name, path: cur.path, change: "added", fields: [] });
      } else if (old !== undefined && cur === undefined) {
        components.push({ kind: kindName, name, path: old.path, change: "removed", fields: [] });
        removed.add(name);
        if (kind.stateful) destructive.push(removedComponent(kind, old));
      } else if (old !== undefined && cur !== undefined) {
        const fields = compareFields(cur.path, kind.fields(old), kind.fields(cur));
        if (fields.length === 0) continue;
        components.push({ kind: kindName, name, path: cur.path, change: "changed", fields });
        for (const change of fields) {
          for (const rule of DESTRUCTIVE_FIELD_RULES) {
            if (!rule.kinds.includes(kindName) || !rule.field.test(change.field)) continue;
            if (!rule.applies(change.from, change.to, change)) continue;
            const ctx = { noun: kind.noun, name, change, before: old, after: cur };
            destructive.push({
              code: DESTRUCTIVE_CHANGE,
              severity: "error",
              path: change.path,
              message: rule.message(ctx),
              fix: rule.fix(ctx),
            });
          }
        }
      }
    }
  }
  destructive.push(...removedProtected(before, after, removed));
  return {
    before: before.model.name,
    after: after.model.name,
    components,
    resources: compareResources(before.plan, after.plan),
    // compareAnalyses speaks of failures (whatif); here the change is the edit itself.
    analysis: compareAnalyses(before.analysis, after.analysis).map((c) => ({
      ...c,
      message: c.message.replace(/ while the failures last$/, ""),
    })),
    destructive: destructive.sort(
      (a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
    ),
  };
}
