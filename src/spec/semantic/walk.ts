import type { PathSegment } from "../../diagnostics/diagnostic.js";

/**
 * One value of the spec and where it is: its key under its parent node. The path from the root
 * (`at`) is built on demand — only for what gets reported — rather than copied for every node
 * (850,000 nodes at 20,000 services, issue #15).
 */
export class SpecNode {
  constructor(
    readonly parent: SpecNode | undefined,
    /** Its key or index in the parent; undefined at the root. */
    readonly key: PathSegment | undefined,
    /** Segments from the root: the length of `at`. */
    readonly depth: number,
    readonly value: unknown,
  ) {}

  get at(): PathSegment[] {
    const at = new Array<PathSegment>(this.depth);
    for (let node: SpecNode = this; node.parent !== undefined; node = node.parent)
      at[node.depth - 1] = node.key!;
    return at;
  }
}

/**
 * Every value of a parsed spec, parents before children, without recursion (a hostile spec may
 * nest deeper than the call stack). Own enumerable keys only: what validation and compilation read.
 */
export function* walkSpec(root: unknown): Generator<SpecNode> {
  const pending: SpecNode[] = [new SpecNode(undefined, undefined, 0, root)];
  while (pending.length > 0) {
    const node = pending.pop()!;
    yield node;
    pushChildren(node, pending);
  }
}

/** A node's children, last first, so that popping visits them in order. */
function pushChildren(node: SpecNode, pending: SpecNode[]): void {
  const { value } = node;
  const depth = node.depth + 1;
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) pending.push(new SpecNode(node, i, depth, value[i]));
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i >= 0; i--)
      pending.push(new SpecNode(node, keys[i]!, depth, record[keys[i]!]));
  }
}

/**
 * A check that looks at every node of the spec: `visit` per node, parents before children, then
 * `finish` once the whole spec was walked.
 */
export interface NodeCheck {
  visit(node: SpecNode): void;
  finish?(): void;
}

/**
 * Runs node checks over one walk of the spec (five of them: walking and keeping 850,000 nodes
 * for each was a third of validation at 20,000 services, issue #15). Each check sees the nodes
 * in walk order, as if it walked alone: one that throws stops there (its own `finish` skipped) and
 * the others go on; a walk that throws (a value zod already refused) stops them all at that node,
 * unfinished.
 */
export function checkSpecNodes(root: unknown, checks: readonly NodeCheck[]): void {
  const running = [...checks];
  const pending: SpecNode[] = [new SpecNode(undefined, undefined, 0, root)];
  while (pending.length > 0 && running.length > 0) {
    const node = pending.pop()!;
    for (let i = 0; i < running.length; i++) {
      try {
        running[i]!.visit(node);
      } catch {
        running.splice(i--, 1);
      }
    }
    try {
      pushChildren(node, pending);
    } catch {
      return;
    }
  }
  for (const check of running) {
    try {
      check.finish?.();
    } catch {
      // A check that trips over a malformed value zod already reported stops, as it always did.
    }
  }
}

/**
 * Path patterns indexed by their number of segments, then by their last segment, each list in the
 * original order: a node is tested only against the patterns that can match its depth and key
 * (patterns ending in `*` are in every list of their length).
 */
export interface PatternIndex<T> {
  candidates(node: SpecNode): readonly T[];
}

const NONE: readonly never[] = [];

export function patternIndex<T extends { readonly pattern: readonly string[] }>(
  patterns: readonly T[],
): PatternIndex<T> {
  const byLength = new Map<number, { byLast: Map<string, T[]>; anyLast: T[] }>();
  for (const entry of patterns) {
    const length = entry.pattern.length;
    let group = byLength.get(length);
    if (group === undefined) {
      group = { byLast: new Map(), anyLast: [] };
      byLength.set(length, group);
    }
    const last = entry.pattern[length - 1] ?? "*";
    if (last === "*") {
      group.anyLast.push(entry);
      for (const list of group.byLast.values()) list.push(entry);
    } else {
      // A new last segment starts from the wildcard patterns met so far (original order kept).
      let list = group.byLast.get(last);
      if (list === undefined) {
        list = [...group.anyLast];
        group.byLast.set(last, list);
      }
      list.push(entry);
    }
  }
  return {
    candidates(node) {
      const group = byLength.get(node.depth);
      if (group === undefined) return NONE;
      return group.byLast.get(String(node.key)) ?? group.anyLast;
    },
  };
}

/** Whether a node's path matches a pattern such as `services.*.calls.*.to` (`*`: any key or index). */
export function matches(node: SpecNode, pattern: readonly string[]): boolean {
  if (node.depth !== pattern.length) return false;
  // From the last segment up: the parents are already there, no path is built.
  let at: SpecNode = node;
  for (let i = pattern.length - 1; i >= 0; i--) {
    const p = pattern[i]!;
    if (p !== "*" && p !== String(at.key)) return false;
    at = at.parent!;
  }
  return true;
}
