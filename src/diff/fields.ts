import { formatPath } from "../diagnostics/diagnostic.js";
import type {
  ComponentKind,
  Model,
  ResolvedComponent,
  ResolvedDatastore,
  ResolvedService,
  ResolvedStream,
} from "../model/types.js";
import { grouped } from "../report/numbers.js";
import { sameData } from "../same-data.js";
import { stableJson } from "../stable-json.js";

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

type Fields = ReadonlyArray<readonly [field: string, value: unknown]>;

export interface KindSpec<C extends ResolvedComponent> {
  readonly noun: string;
  /** Holds data: removing it deletes the data. */
  readonly stateful: boolean;
  list(model: Model): readonly C[];
  /** The fields that matter for a diff, keyed by their path relative to the component. */
  fields(component: C): Fields;
  regions(component: C): readonly string[];
}

const at = (...segments: string[]) => formatPath(segments);

/** The deploy settings a reviewer reads first, in this order (all targets; absent ones are undefined). */
const DEPLOY_KEYS = [
  "target",
  "service",
  "engine",
  "image",
  "engineVersion",
  "instanceClass",
  "storageGi",
  "storageClass",
  "cpu",
  "memory",
  "namespace",
  "port",
] as const;
const LEADING_DEPLOY_KEYS: ReadonlySet<string> = new Set(DEPLOY_KEYS);

/** Every deploy setting, the leading ones first, then any other the component sets, by name: none is left out. */
function deployFields(deploy: unknown): Fields {
  const d = (deploy ?? {}) as Record<string, unknown>;
  const others = Object.keys(d)
    .filter((key) => !LEADING_DEPLOY_KEYS.has(key))
    .sort();
  return [...DEPLOY_KEYS, ...others].map((key) => [`deploy.${key}`, d[key]] as const);
}

function sloFields(slo: object): Fields {
  return Object.entries(slo).map(([key, value]) => [`slo.${key}`, value] as const);
}

function trafficFields(traffic: object | undefined): Fields {
  return Object.entries(traffic ?? {}).map(([key, value]) => [`traffic.${key}`, value] as const);
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
    // Roles: a voter turned witness keeps the count and drops its data.
    ...d.placement.flatMap((p) => [
      [at("placement", p.region, "readOnly"), p.readOnly] as const,
      [at("placement", p.region, "witnesses"), p.witnesses] as const,
    ]),
    ...d.placement.map((p) => [at("zones", p.region), p.zones] as const),
    ["leader", d.leader],
    ["sync", d.replication === "primary-replica" ? d.sync : undefined],
    ["survive", d.survive],
    ["residency", d.residency],
    ["backup.regions", d.backupRegions],
    ["partitions.count", d.partitions.count],
    ["partitions.key", d.partitions.key],
    ["partitions.strategy", d.partitions.strategy],
    ...trafficFields(d.traffic),
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
    ...trafficFields(s.traffic),
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
    ["key", s.key],
    ["replicas", s.replicas],
    ["minInSync", s.minInSync],
    ["delivery", s.delivery],
    ["retentionHours", s.retentionHours],
    ["residency", s.residency],
    ...trafficFields(s.traffic),
    ...sloFields(s.slo),
    ...deployFields(s.deploy),
  ],
};

const erase = <C extends ResolvedComponent>(spec: KindSpec<C>) =>
  spec as unknown as KindSpec<ResolvedComponent>;

/** Every component kind; a new kind registers one line here. */
export const KINDS: Readonly<Record<ComponentKind, KindSpec<ResolvedComponent>>> = {
  datastore: erase(datastoreKind),
  service: erase(serviceKind),
  stream: erase(streamKind),
};
export const KIND_ORDER: readonly ComponentKind[] = ["datastore", "service", "stream"];

/** The topology's own sections (each component kind's fields are KINDS'). */
const COMPONENT_SECTIONS: ReadonlySet<string> = new Set(["datastores", "services", "streams"]);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The topology-wide inputs a diff shows beside the components: who uses it from where (`users`),
 * sites of one's own (`regions`), the network (each link by its pair of regions), the model's
 * settings and the policies — they move latency, cost and findings without touching a component.
 */
export function topologyFields(topology: Model["topology"]): Fields {
  const out: [string, unknown][] = [];
  for (const [section, value] of Object.entries(topology)) {
    if (COMPONENT_SECTIONS.has(section) || section === "$schema") continue;
    if (!isRecord(value)) {
      out.push([section, value]);
      continue;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (section === "network" && key === "links" && Array.isArray(inner)) {
        for (const link of inner as { between: string[] }[]) {
          const { between, ...rest } = link;
          out.push([at(section, key, [...between].sort().join("/")), rest]);
        }
      } else out.push([at(section, key), inner]);
    }
  }
  return out;
}

/** A placement region's count of read-only replicas or witnesses. */
const ROLE_FIELD = /\.(readOnly|witnesses)$/;

/** A list's members as text (an object, e.g. a suppression, as its JSON), sorted. */
const sortedStrings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map((x) => (typeof x === "string" ? x : stableJson(x))).sort() : undefined;

export function compareFields(path: string, before: Fields, after: Fields): FieldChange[] {
  const then = new Map(before);
  const now = new Map(after);
  const keys = [...new Set([...then.keys(), ...now.keys()])];
  const out: FieldChange[] = [];
  for (const field of keys) {
    const from = then.get(field);
    const to = now.get(field);
    if (sameData(from, to)) continue;
    // A region added or removed with voters only: its roles were never set, not changed.
    if (ROLE_FIELD.test(field) && (from ?? 0) === 0 && (to ?? 0) === 0) continue;
    const full = path === "" ? field : `${path}${field.startsWith("[") ? "" : "."}${field}`;
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

/** `(none)` for an unset value, strings bare, the rest as JSON. */
export const showValue = (value: unknown): string =>
  value === undefined
    ? "(none)"
    : typeof value === "string"
      ? value
      : typeof value === "number"
        ? grouped(value, 0, 6)
        : stableJson(value);

/** `a → b` for scalars, `+a, −b` for lists; `(none)` for an unset value. */
export function describeField(change: FieldChange): string {
  if (change.added !== undefined || change.removed !== undefined) {
    const parts = [
      ...(change.added ?? []).map((x) => `+${x}`),
      ...(change.removed ?? []).map((x) => `−${x}`),
    ];
    return `${change.field}: ${parts.join(", ")}`;
  }
  return `${change.field}: ${showValue(change.from)} → ${showValue(change.to)}`;
}
