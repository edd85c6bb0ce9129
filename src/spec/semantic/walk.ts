import type { PathSegment } from "../../diagnostics/diagnostic.js";

/** One value of the spec and where it is. */
export interface SpecNode {
  readonly at: readonly PathSegment[];
  readonly value: unknown;
}

/**
 * Every value of a parsed spec, parents before children, without recursion (a hostile spec may
 * nest deeper than the call stack). Own enumerable keys only: what validation and compilation read.
 */
export function* walkSpec(root: unknown): Generator<SpecNode> {
  const pending: SpecNode[] = [{ at: [], value: root }];
  while (pending.length > 0) {
    const node = pending.pop()!;
    yield node;
    const { at, value } = node;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ at: [...at, i], value: value[i] });
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--)
        pending.push({ at: [...at, entries[i]![0]], value: entries[i]![1] });
    }
  }
}

/**
 * The walk of a check context's spec, made once and shared by the checks that walk the whole spec
 * (five of them: a third of `check`'s CPU at 20,000 services went to walking, issue #15). Kept only
 * as long as the context. A walk that throws (a value zod already refused) is not kept: each check
 * then walks on its own and stops where it always did.
 */
const walks = new WeakMap<object, readonly SpecNode[]>();
export function specNodes(context: { readonly topology: unknown }): Iterable<SpecNode> {
  const known = walks.get(context);
  if (known !== undefined) return known;
  let nodes: SpecNode[];
  try {
    nodes = [...walkSpec(context.topology)];
  } catch {
    return walkSpec(context.topology);
  }
  walks.set(context, nodes);
  return nodes;
}

/**
 * Patterns grouped by their number of segments, each group in the original order: a path can only
 * match patterns of its own length, so a node is tested against those alone.
 */
export function byLength<T extends { readonly pattern: readonly string[] }>(
  patterns: readonly T[],
): ReadonlyMap<number, readonly T[]> {
  const groups = new Map<number, T[]>();
  for (const entry of patterns) {
    const group = groups.get(entry.pattern.length) ?? [];
    group.push(entry);
    groups.set(entry.pattern.length, group);
  }
  return groups;
}

/** Whether `at` matches a pattern such as `services.*.calls.*.to` (`*`: any key or index). */
export function matches(at: readonly PathSegment[], pattern: readonly string[]): boolean {
  if (at.length !== pattern.length) return false;
  // A plain loop: this runs for every node of the spec against every pattern of its length.
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p !== "*" && p !== String(at[i])) return false;
  }
  return true;
}
