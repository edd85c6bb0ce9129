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

/** Whether `at` matches a pattern such as `services.*.calls.*.to` (`*`: any key or index). */
export function matches(at: readonly PathSegment[], pattern: readonly string[]): boolean {
  return at.length === pattern.length && pattern.every((p, i) => p === "*" || p === String(at[i]));
}
