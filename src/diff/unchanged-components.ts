import type { Model, ResolvedComponent } from "../model/types.js";
import { sameData } from "../same-data.js";

/** Whether a component's resources are the same in two plans compiled alike from two models. */
export type UnchangedComponent = (component: string) => boolean;

const NOTHING_UNCHANGED: UnchangedComponent = () => false;

/** The topology keys holding components: compared per component; every other key is topology-wide. */
const COMPONENT_KEYS: ReadonlySet<string> = new Set(["services", "datastores", "streams"]);

/**
 * The components whose compiled resources two models share without building and comparing them
 * (`diff` compares every resource of two plans; an ordinary pull request changes a few components,
 * issue #15). A component's resources, chaos experiments aside, read (src/compile/README.md):
 * - the topology-wide inputs (name, users, settings, links, regions, catalog, policies and every
 *   topology key but the components): any change there, and nothing is unchanged;
 * - the component itself, as resolved and as written;
 * - its neighbours, as resolved and as written: the components it names (calls, a stream's
 *   producers and consumers, any field holding a component's name) and those naming it — its
 *   callees' endpoints and placements, its callers' regions, namespaces, targets and calls.
 * So a component is unchanged when it and its set of neighbours are, and each neighbour but for
 * fields only the neighbour's own resources read ({@link OWN_ONLY}). Chaos
 * experiments read the whole topology and the analysis (a slot counter staggers them all):
 * `compareResources` always compares those, and shared resources (component ""). A property test
 * (test/diff/unchanged-components.test.ts) holds the diff with this equal to the full comparison.
 */
export function unchangedComponents(
  before: Model,
  after: Model,
  graphs: readonly [ComponentGraph, ComponentGraph] = [componentGraph(before), componentGraph(after)],
): UnchangedComponent {
  if (!sameTopologyWide(before, after)) return NOTHING_UNCHANGED;
  const [was, now] = graphs;
  const sameOwn = new Map<string, boolean>();
  const ownSame = (name: string): boolean => {
    let same = sameOwn.get(name);
    if (same === undefined) {
      const a = was.byName.get(name);
      const b = now.byName.get(name);
      same =
        a !== undefined &&
        b !== undefined &&
        a.resolved.kind === b.resolved.kind &&
        sameData(a.resolved, b.resolved) &&
        sameData(a.written, b.written);
      sameOwn.set(name, same);
    }
    return same;
  };
  // What a neighbour's resources read of a component: all of it but OWN_ONLY.
  const seenSame = new Map<string, boolean>();
  const seenAlike = (name: string): boolean => {
    let same = seenSame.get(name);
    if (same === undefined) {
      const a = was.byName.get(name)!;
      const b = now.byName.get(name)!;
      same = ownSame(name) || (a.resolved.kind === b.resolved.kind && sameData(seen(a), seen(b)));
      seenSame.set(name, same);
    }
    return same;
  };
  const unchanged = new Map<string, boolean>();
  return (name) => {
    let same = unchanged.get(name);
    if (same === undefined) {
      const before = was.neighbours.get(name);
      const after = now.neighbours.get(name);
      same =
        ownSame(name) &&
        before !== undefined &&
        after !== undefined &&
        before.size === after.size &&
        [...after].every((n) => before.has(n) && seenAlike(n));
      unchanged.set(name, same);
    }
    return same;
  };
}

/**
 * Fields of a service that only its own resources read, as resolved and as written: its pod count
 * (its Deployment, PDB and the circuit breakers of its own DestinationRules: mesh
 * `connectionLimit`) and its image. A neighbour's resources read its name, regions, target,
 * namespace, endpoint and calls (src/compile/README.md), so an edit of these alone changes no
 * neighbour's resources (the property test edits both).
 */
const OWN_ONLY: Readonly<Partial<Record<ResolvedComponent["kind"], readonly string[]>>> = {
  service: ["replicasPerRegion", "deploy.image"],
};

/** A component as its neighbours' resources read it: without its {@link OWN_ONLY} fields. */
function seen(entry: ComponentEntry): unknown {
  const fields = OWN_ONLY[entry.resolved.kind] ?? [];
  return [without(entry.resolved, fields), without(entry.written, fields)];
}

/** A copy of `value` without the dotted `fields` (copying only the objects on their paths). */
function without(value: unknown, fields: readonly string[]): unknown {
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of fields) {
    const [head, ...rest] = field.split(".");
    if (!(head! in copy)) continue;
    if (rest.length === 0) delete copy[head!];
    else copy[head!] = without(copy[head!], [rest.join(".")]);
  }
  return copy;
}

/**
 * Everything of a model but its components, which compile reads for every resource. The catalog
 * (functions of RTTs among its data) is made from the topology's `regions` and `network`, compared
 * with the topology's other keys.
 */
function sameTopologyWide(a: Model, b: Model): boolean {
  const { services: _s, datastores: _d, streams: _t, catalog: _c, topology: topologyA, ...restA } = a;
  const { services: _s2, datastores: _d2, streams: _t2, catalog: _c2, topology: topologyB, ...restB } = b;
  if (!sameData(restA, restB)) return false;
  const keys = new Set([...Object.keys(topologyA), ...Object.keys(topologyB)]);
  for (const key of keys) {
    if (COMPONENT_KEYS.has(key)) continue;
    const x = (topologyA as Record<string, unknown>)[key];
    const y = (topologyB as Record<string, unknown>)[key];
    if (!sameData(x ?? null, y ?? null)) return false;
  }
  return true;
}

interface ComponentEntry {
  readonly resolved: ResolvedComponent;
  /** As the spec wrote it (`model.topology`). */
  readonly written: unknown;
}

export interface ComponentGraph {
  readonly byName: ReadonlyMap<string, ComponentEntry>;
  /** Each component's neighbours: the components it names and those naming it. */
  readonly neighbours: ReadonlyMap<string, ReadonlySet<string>>;
}

export function componentGraph(model: Model): ComponentGraph {
  const written = model.topology as unknown as Record<string, Record<string, unknown> | undefined>;
  const byName = new Map<string, ComponentEntry>();
  const add = (list: readonly ResolvedComponent[], key: string) => {
    for (const resolved of list)
      byName.set(resolved.name, { resolved, written: written[key]?.[resolved.name] });
  };
  add(model.services, "services");
  add(model.datastores, "datastores");
  add(model.streams, "streams");
  const neighbours = new Map<string, Set<string>>([...byName.keys()].map((name) => [name, new Set()]));
  for (const [name, { resolved, written: raw }] of byName) {
    // Any string naming another component, wherever it sits: a field added later is covered too.
    const visit = (value: unknown): void => {
      if (typeof value === "string") {
        if (value !== name && byName.has(value)) {
          neighbours.get(name)!.add(value);
          neighbours.get(value)!.add(name);
        }
      } else if (Array.isArray(value)) {
        for (const item of value) visit(item);
      } else if (value !== null && typeof value === "object") {
        for (const key in value) {
          if (byName.has(key) && key !== name) {
            neighbours.get(name)!.add(key);
            neighbours.get(key)!.add(name);
          }
          visit((value as Record<string, unknown>)[key]);
        }
      }
    };
    visit(resolved);
    visit(raw);
  }
  return { byName, neighbours };
}
