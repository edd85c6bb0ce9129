import { formatPath } from "../../diagnostics/diagnostic.js";
import { arrayOf, type CheckContext, componentsOf } from "./context.js";
import { matches, type NodeCheck, patternIndex, type SpecNode } from "./walk.js";

/**
 * Limits on the figures that drive work or arithmetic, so no spec can make topoplan run for hours,
 * exhaust memory or overflow to Infinity. Each is far above what a real topology needs (the
 * benchmarks run 10 million partitions and 20,000 services) and is documented in docs/limits.md.
 * `entries`: the number of items (list) or keys (object) at the path; `value`: the number itself.
 */
export interface Limit {
  readonly path: string;
  readonly of: "value" | "entries";
  readonly max: number;
  readonly why: string;
}

const RATE = 1e9; // a billion per second: beyond the largest published systems
const DAY_MS = 86_400_000;

export const LIMITS: readonly Limit[] = [
  // The analysis works per placement group, not per partition (10 million partitions: < 1 s).
  { path: "datastores.*.partitions.count", of: "value", max: 10_000_000, why: "partitions per datastore" },
  { path: "streams.*.partitions", of: "value", max: 100_000, why: "partitions per stream and region" },
  { path: "datastores.*.replicas", of: "value", max: 100, why: "replicas per partition" },
  { path: "streams.*.replicas", of: "value", max: 100, why: "replicas per partition" },
  { path: "services.*.replicasPerRegion", of: "value", max: 10_000, why: "pods per region" },
  { path: "services.*.calls", of: "entries", max: 200, why: "calls per service" },
  { path: "regions", of: "entries", max: 500, why: "regions of your own" },
  // Availability enumerates the 2^zones up/down states of a region.
  {
    path: "regions.*.zones",
    of: "entries",
    max: 16,
    why: "zones per region (availability is exact over 2^zones states)",
  },
  { path: "regions.*.rttMs.*", of: "value", max: 60_000, why: "round trip, ms" },
  { path: "network.links", of: "entries", max: 10_000, why: "declared links" },
  { path: "network.links.*.rttMs", of: "value", max: 60_000, why: "round trip, ms" },
  { path: "network.links.*.bandwidthMbps", of: "value", max: 1e7, why: "link capacity, Mbit/s (10 Tbit/s)" },
  { path: "network.crossZoneRttMs", of: "value", max: 60_000, why: "round trip, ms" },
  { path: "model.tailFactor", of: "value", max: 100, why: "p99/p50 ratio" },
  { path: "datastores.*.traffic.readsPerSec", of: "value", max: RATE, why: "reads per second" },
  { path: "datastores.*.traffic.writesPerSec", of: "value", max: RATE, why: "writes per second" },
  { path: "datastores.*.traffic.itemBytes", of: "value", max: 2 ** 30, why: "bytes per item (1 GiB)" },
  { path: "services.*.traffic.requestsPerSec", of: "value", max: RATE, why: "requests per second" },
  { path: "streams.*.traffic.messagesPerSec", of: "value", max: RATE, why: "messages per second" },
  { path: "streams.*.traffic.messageBytes", of: "value", max: 2 ** 30, why: "bytes per message (1 GiB)" },
  { path: "streams.*.retentionHours", of: "value", max: 876_000, why: "retention, hours (100 years)" },
  { path: "services.*.processingMs", of: "value", max: DAY_MS, why: "processing time, ms (a day)" },
  { path: "services.*.calls.*.timeoutMs", of: "value", max: DAY_MS, why: "deadline, ms (a day)" },
  { path: "services.*.calls.*.perTryTimeoutMs", of: "value", max: DAY_MS, why: "deadline, ms (a day)" },
  { path: "services.*.calls.*.callsPerRequest", of: "value", max: 1_000, why: "calls per request" },
  { path: "services.*.calls.*.backoff.baseMs", of: "value", max: DAY_MS, why: "backoff, ms (a day)" },
  { path: "services.*.calls.*.backoff.maxMs", of: "value", max: DAY_MS, why: "backoff, ms (a day)" },
  { path: "services.*.calls.*.backoff.multiplier", of: "value", max: 100, why: "backoff growth" },
  { path: "datastores.*.zones.*", of: "entries", max: 16, why: "zones per region" },
  // Any component kind (datastores, services, streams):
  { path: "*.*.deploy.storageGi", of: "value", max: 1_048_576, why: "GiB per volume (1 PiB)" },
  { path: "*.*.deploy.env", of: "entries", max: 1_000, why: "environment variables" },
  { path: "*.*.deploy.args", of: "entries", max: 1_000, why: "container arguments" },
  { path: "*.*.slo.*", of: "value", max: 7 * DAY_MS, why: "SLO, ms (a week)" },
];

/**
 * Datastores, services and streams together. Issue #15 benchmarks 20,000 services (23,000
 * components); this leaves room above that while bounding the work, which grows about linearly.
 */
export const MAX_COMPONENTS = 50_000;
/** Services on one chain of calls, counting every member of a call cycle on it. */
export const MAX_CALL_DEPTH = 200;
/** Characters of any one string in a spec (descriptions included). */
export const MAX_STRING = 4_096;

const PATTERNS = patternIndex(LIMITS.map((limit) => ({ limit, pattern: limit.path.split(".") })));

export function limitCheck(context: CheckContext): NodeCheck {
  return { visit: (node) => checkNodeLimits(context, node), finish: () => checkComponentLimits(context) };
}

function checkNodeLimits(context: CheckContext, node: SpecNode): void {
  const { value } = node;
  if (typeof value === "string" && value.length > MAX_STRING)
    context.report({
      code: "spec/limit",
      path: formatPath(node.at),
      message: `${value.length} characters; a spec string is limited to ${MAX_STRING}`,
      fix: "shorten it",
    });
  for (const { limit, pattern } of PATTERNS.candidates(node)) {
    if (!matches(node, pattern)) continue;
    const size =
      limit.of === "value"
        ? value
        : Array.isArray(value)
          ? value.length
          : value !== null && typeof value === "object"
            ? Object.keys(value).length
            : undefined;
    if (typeof size !== "number" || !Number.isFinite(size) || size <= limit.max) continue;
    context.report({
      code: "spec/limit",
      path: formatPath(node.at),
      message: `${limit.of === "entries" ? `${size} entries` : String(size)} is above the limit of ${limit.max.toLocaleString("en-US")} ${limit.why}`,
      fix: `use at most ${limit.max.toLocaleString("en-US")} (docs/limits.md explains the limits)`,
    });
  }
}

/** After the walk: the number of components and the deepest chain of calls. */
function checkComponentLimits(context: CheckContext): void {
  const components =
    componentsOf(context, "datastores").length +
    componentsOf(context, "services").length +
    componentsOf(context, "streams").length;
  if (components > MAX_COMPONENTS)
    context.report({
      code: "spec/limit",
      path: "(root)",
      message: `${components} datastores, services and streams; a topology is limited to ${MAX_COMPONENTS.toLocaleString("en-US")}`,
      fix: "split the topology (one per system or team)",
    });
  checkCallDepth(context);
}

/**
 * The deepest chain of calls between services, where a call cycle counts all its members: the
 * analysis walks calls depth first, so this bounds its depth. Tarjan's algorithm, iteratively, on
 * service numbers rather than names (string-keyed maps were a tenth of validation at 20,000
 * services, issue #15).
 */
export function checkCallDepth(context: CheckContext): void {
  const services = componentsOf(context, "services");
  const idOf = new Map(services.map(([name], i) => [name, i]));
  const calls = services.map(([, service]) => {
    const targets: number[] = [];
    for (const call of arrayOf(service?.calls)) {
      const to = call?.to;
      const id = typeof to === "string" ? idOf.get(to) : undefined;
      if (id !== undefined) targets.push(id);
    }
    return targets;
  });
  const components = stronglyConnected(calls);
  const componentOf = new Int32Array(calls.length);
  components.forEach((members, i) => {
    for (const m of members) componentOf[m] = i;
  });
  // Tarjan emits components callees first, so each component's depth is known before its callers'.
  const depth: number[] = [];
  components.forEach((members, i) => {
    let deepest = 0;
    for (const m of members)
      for (const to of calls[m]!) {
        const j = componentOf[to]!;
        if (j !== i && depth[j]! > deepest) deepest = depth[j]!;
      }
    depth[i] = members.length + deepest;
  });
  const worst = depth.reduce((best, d, i) => (d > (depth[best] ?? 0) ? i : best), 0);
  if ((depth[worst] ?? 0) <= MAX_CALL_DEPTH) return;
  const start = components[worst]!.map((m) => services[m]![0]).sort()[0]!;
  context.report({
    code: "spec/limit",
    path: formatPath(["services", start, "calls"]),
    message: `a chain of calls from "${start}" passes ${depth[worst]} services (call cycles count every member); the limit is ${MAX_CALL_DEPTH}`,
    fix: "shorten the call chain or break the cycle; real request paths are far shallower",
  });
}

/** Strongly connected components of a graph on 0…n−1, in reverse topological order (callees first), without recursion. */
function stronglyConnected(graph: readonly (readonly number[])[]): number[][] {
  const index = new Int32Array(graph.length).fill(-1);
  const low = new Int32Array(graph.length);
  const onStack = new Uint8Array(graph.length);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < graph.length; root++) {
    if (index[root] !== -1) continue;
    const work: number[] = [root];
    const next: number[] = [0];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work.length - 1;
      const node = work[top]!;
      const edges = graph[node]!;
      if (next[top]! < edges.length) {
        const to = edges[next[top]!++]!;
        if (index[to] === -1) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          work.push(to);
          next.push(0);
        } else if (onStack[to] === 1) low[node] = Math.min(low[node]!, index[to]!);
        continue;
      }
      work.pop();
      next.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        const members: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          members.push(member);
        } while (member !== node);
        out.push(members);
      }
    }
  }
  return out;
}
