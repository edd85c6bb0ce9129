import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { type Diagnostic, formatPath } from "../../src/diagnostics/diagnostic.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { arrayOf, type CheckContext, componentsOf } from "../../src/spec/semantic/context.js";
import { checkCallDepth, MAX_CALL_DEPTH } from "../../src/spec/semantic/limits.js";

const catalog = buildCatalog();

function run(check: (context: CheckContext) => void, topology: unknown): Diagnostic[] {
  const found: Diagnostic[] = [];
  check({
    topology: topology as TopologyInput,
    catalog,
    report: (d) => found.push({ severity: "error", ...d }),
  });
  return found;
}

/** Services s0…s(n−1): mostly a chain (deep enough to pass the limit), plus random calls and cycles. */
const topologies = fc
  .record({
    n: fc.integer({ min: 1, max: MAX_CALL_DEPTH + 40 }),
    extra: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
    gaps: fc.array(fc.nat(), { maxLength: 5 }),
    shuffle: fc.nat(),
  })
  .map(({ n, extra, gaps, shuffle }) => {
    const calls: string[][] = Array.from({ length: n }, (_, i) => (i + 1 < n ? [`s${i + 1}`] : []));
    for (const gap of gaps) calls[gap % n] = [];
    for (const [a, b] of extra) calls[a % n]!.push(b % 3 === 0 ? "unknown" : `s${b % n}`);
    const order = Array.from({ length: n }, (_, i) => (i * (2 * shuffle + 1)) % n);
    const services: Record<string, unknown> = {};
    for (const i of new Set(order)) services[`s${i}`] = { calls: calls[i]!.map((to) => ({ to })) };
    for (let i = 0; i < n; i++) services[`s${i}`] ??= { calls: calls[i]!.map((to) => ({ to })) };
    return { services };
  });

describe("checkCallDepth", () => {
  it("reports what the string-keyed version reported", () => {
    fc.assert(
      fc.property(topologies, (topology) => {
        expect(run(checkCallDepth, topology)).toEqual(run(checkCallDepthByName, topology));
      }),
      { numRuns: 300 },
    );
  });
});

/** checkCallDepth as it was before issue #15's fifth pass: string-keyed maps. */
function checkCallDepthByName(context: CheckContext): void {
  const calls = new Map<string, string[]>();
  for (const [name, service] of componentsOf(context, "services"))
    calls.set(
      name,
      arrayOf(service?.calls)
        .map((call) => call?.to)
        .filter((to): to is string => typeof to === "string"),
    );
  for (const targets of calls.values())
    targets.splice(0, targets.length, ...targets.filter((to) => calls.has(to)));
  const components = stronglyConnected(calls);
  const componentOf = new Map<string, number>();
  components.forEach((members, i) => {
    for (const m of members) componentOf.set(m, i);
  });
  // Tarjan emits components callees first, so each component's depth is known before its callers'.
  const depth: number[] = [];
  const via: (string | undefined)[] = [];
  components.forEach((members, i) => {
    let deepest = 0;
    let next: string | undefined;
    for (const m of members)
      for (const to of calls.get(m)!) {
        const j = componentOf.get(to)!;
        if (j !== i && depth[j]! > deepest) {
          deepest = depth[j]!;
          next = to;
        }
      }
    depth[i] = members.length + deepest;
    via[i] = next;
  });
  const worst = depth.reduce((best, d, i) => (d > (depth[best] ?? 0) ? i : best), 0);
  if ((depth[worst] ?? 0) <= MAX_CALL_DEPTH) return;
  const start = [...components[worst]!].sort()[0]!;
  context.report({
    code: "spec/limit",
    path: formatPath(["services", start, "calls"]),
    message: `a chain of calls from "${start}" passes ${depth[worst]} services (call cycles count every member); the limit is ${MAX_CALL_DEPTH}`,
    fix: "shorten the call chain or break the cycle; real request paths are far shallower",
  });
}

/** Strongly connected components in reverse topological order (callees first), without recursion. */
function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const edges = graph.get(frame.node)!;
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const members: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.node);
        out.push(members);
      }
    }
  }
  return out;
}
