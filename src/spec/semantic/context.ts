import type { Catalog } from "../../catalog/catalog.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { TopologyInput } from "../schema/topology.js";

/**
 * What a semantic check sees. Checks also run when the shape is partly invalid (so every problem
 * shows in one run), hence the input type and the defensive `entriesOf`.
 */
export interface CheckContext {
  readonly topology: TopologyInput;
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
