import type { Catalog } from "../../catalog/catalog.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { TopologyInput } from "../schema/topology.js";

/**
 * What a semantic check sees. Checks also run when the shape is partly invalid (so every problem
 * shows in one run), hence the input type and the defensive `entriesOf`.
 */
export interface CheckContext {
  readonly topology: TopologyInput;
  /** The spec as written, before the schema's defaults: whether a field was set at all. */
  readonly written?: TopologyInput;
  readonly catalog: Catalog;
  report(diagnostic: Omit<Diagnostic, "severity"> & { severity?: Diagnostic["severity"] }): void;
}

export type SemanticCheck = (context: CheckContext) => void;

/** Entries of a record, or none when the value is not a plain object (shape errors are reported elsewhere). */
export function entriesOf<T>(value: Readonly<Record<string, T>> | undefined): [string, T][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, T>);
}

export function arrayOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

type ComponentKind = "datastores" | "services" | "streams";
type ComponentOf<K extends ComponentKind> = NonNullable<TopologyInput[K]>[string];

/**
 * Entries of one of the spec's component records, taken once per check context: half a dozen
 * checks iterate the services, and `Object.entries` of a 20,000-key record is not cheap (issue #15).
 * Kept only as long as the context, so a spec edited between two validations is read afresh.
 */
const components = new WeakMap<CheckContext, Map<ComponentKind, [string, unknown][]>>();
export function componentsOf<K extends ComponentKind>(
  context: CheckContext,
  kind: K,
): readonly [string, ComponentOf<K>][] {
  let byKind = components.get(context);
  if (byKind === undefined) {
    byKind = new Map();
    components.set(context, byKind);
  }
  let entries = byKind.get(kind);
  if (entries === undefined) {
    entries = entriesOf(context.topology[kind] as Readonly<Record<string, unknown>> | undefined);
    byKind.set(kind, entries);
  }
  return entries as [string, ComponentOf<K>][];
}
