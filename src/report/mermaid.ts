import { dataRegions, storeDestination, streamDestination } from "../analysis/destinations.js";
import { baselineNetworkView } from "../analysis/network.js";
import { nearestReachable } from "../analysis/replication/common.js";
import { crossesClusters } from "../analysis/services.js";
import { isReadOp } from "../model/call-ops.js";
import { modelIndex } from "../model/model-index.js";
import { mirrorPairs } from "../model/msk-clusters.js";
import type { Model, ResolvedDatastore, ResolvedService } from "../model/types.js";
import { byText } from "../order.js";

/**
 * What Mermaid draws with its default configuration (mermaid.js.org, Config Schema: `maxTextSize`
 * 50,000 characters, `maxEdges` 500): a bigger diagram renders as an error box ("Maximum text size
 * in diagram exceeded", "Too many edges"), not as a diagram. Checked against mermaid 11.17.2's
 * parser: 500 edges parse, 501 fail with "Edge limit exceeded".
 */
export const MERMAID_MAX_TEXT = 50_000;
export const MERMAID_MAX_EDGES = 500;

/** What the diagram must stay within. @default Mermaid's defaults */
export interface MermaidLimits {
  readonly maxText: number;
  readonly maxEdges: number;
}
const MERMAID_DEFAULTS: MermaidLimits = { maxText: MERMAID_MAX_TEXT, maxEdges: MERMAID_MAX_EDGES };

/** Mermaid ids: letters, digits and underscores only. */
const id = (...parts: string[]) => parts.join("__").replace(/[^A-Za-z0-9_]/g, "_");
/**
 * A region's id: `R` and its code. Component names are lower case, so no node's id is a region's
 * (a component named `region` once made a node with its subgraph's id, which Mermaid refuses:
 * "Setting … as parent of … would create a cycle").
 */
const regionId = (region: string) => id("R", region);
/** Labels are quoted; Mermaid has no escape for `"`, so use its entity code. */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

/** ★ only where a leader exists: the leader/primary, every write region of a multi-leader store, none for leaderless. */
const leads = (store: ResolvedDatastore, region: string) =>
  store.replication === "leaderless"
    ? false
    : store.replication === "multi-leader"
      ? store.writeRegions.includes(region)
      : store.leader === region;

/** A node of the diagram: a component instance in one region. */
interface Instance {
  readonly region: string;
  readonly line: string;
}

/** A diagram Mermaid draws, or why there is none. */
export type TopologyDiagram =
  | { readonly text: string; readonly level: "components" | "regions"; readonly note?: string }
  | { readonly text?: undefined; readonly why: string };

/**
 * The topology as a Mermaid flowchart: one subgraph per region, a node per component instance in it
 * (datastores as cylinders with their replica count, ★ on the leader; streams as queues, a mirror
 * region's cluster too; services with their pod count), calls as edges from each service region to
 * where the analysis sends them, and each mirror's copying (`paths`). Undefined when it would pass Mermaid's limits: the diagram is built
 * only while it stays under them, so a topology of 20,000 services costs no more than a small one.
 */
export function renderMermaid(model: Model, limits = MERMAID_DEFAULTS): string | undefined {
  const byRegion = new Map<string, string[]>();
  let size = 0;
  const over = () => size > limits.maxText;
  for (const { region, line } of instances(model)) {
    const list = byRegion.get(region);
    if (list === undefined) byRegion.set(region, [line]);
    else list.push(line);
    size += line.length + 5;
    if (over()) return undefined;
  }
  const lines = ["flowchart LR"];
  for (const region of [...byRegion.keys()].sort()) {
    lines.push(`  subgraph ${regionId(region)}[${label(region)}]`);
    for (const node of byRegion.get(region)!) lines.push(`    ${node}`);
    lines.push("  end");
  }
  const edges = new Set<string>();
  for (const edge of paths(model)) {
    const line = `  ${id(edge.from, edge.fromRegion)} ${edge.soft ? "-.->" : "-->"}|${edge.op}| ${id(edge.to, edge.toRegion)}`;
    if (edges.has(line)) continue;
    edges.add(line);
    size += line.length + 1;
    if (edges.size > limits.maxEdges || over()) return undefined;
  }
  for (const edge of edges) lines.push(edge);
  const text = `${lines.join("\n")}\n`;
  return text.length > limits.maxText ? undefined : text;
}

/**
 * The diagram for a report: every component instance when Mermaid draws that, else the regions
 * with their component counts and the calls crossing between them (the busiest region pairs when
 * there are more than Mermaid's edges), else why there is none.
 */
export function topologyDiagram(model: Model, limits = MERMAID_DEFAULTS): TopologyDiagram {
  const full = renderMermaid(model, limits);
  if (full !== undefined) return { text: full, level: "components" };
  const edges = `${limits.maxEdges} edge${limits.maxEdges === 1 ? "" : "s"}`;
  const most = `Mermaid draws at most ${edges} and ${limits.maxText.toLocaleString("en-US")} characters`;
  const regions = regionMermaid(model, limits);
  if (regions === undefined) return { why: `even one node per region is more than Mermaid draws (${most}).` };
  const left =
    regions.leftOut === 0
      ? ""
      : regions.leftOut === 1
        ? " The region pair with the fewest crossing calls is left out."
        : ` The ${regions.leftOut} region pairs with the fewest crossing calls are left out.`;
  return {
    text: regions.text,
    level: "regions",
    note: `By region: a node per component instance is more than Mermaid draws (${most}).${left}`,
  };
}

/**
 * One node per region (its components counted) and one edge per pair of regions requests cross,
 * the busiest pairs first while they fit; undefined when the nodes alone do not.
 */
function regionMermaid(model: Model, limits: MermaidLimits): { text: string; leftOut: number } | undefined {
  const counts = new Map<string, { services: number; datastores: number; streams: number }>();
  const count = (region: string) => {
    let c = counts.get(region);
    if (c === undefined) {
      c = { services: 0, datastores: 0, streams: 0 };
      counts.set(region, c);
    }
    return c;
  };
  for (const store of model.datastores) for (const p of store.placement) count(p.region).datastores++;
  for (const stream of model.streams) for (const region of stream.regions) count(region).streams++;
  for (const service of model.services) for (const region of service.regions) count(region).services++;
  const crossing = new Map<string, { from: string; to: string; calls: number; consumers: number }>();
  // A consumer is counted once, from the stream to it, whether its consume call or the stream's
  // consumer list (or both) says it reads the stream.
  const consumers = new Set<string>();
  const streams = new Set(model.streams.map((stream) => stream.name));
  for (const edge of paths(model)) {
    // Calls and consumers only: a mirror's copying is no request.
    if (edge.kind === "mirror") continue;
    // A consumer's edge, or a call reading a stream (`consume`, or `read`: a fetch too).
    const reads = edge.kind === "consumer" || (isReadOp(edge.op) && streams.has(edge.to));
    // A consume call points at the stream; what it reads flows the other way.
    const [from, to] =
      reads && edge.kind === "call" ? [edge.toRegion, edge.fromRegion] : [edge.fromRegion, edge.toRegion];
    if (from === to) continue;
    if (reads) {
      // The stream, the consumer and the consumer's region.
      const reader =
        edge.kind === "consumer"
          ? `${edge.from}\0${edge.to}\0${edge.toRegion}`
          : `${edge.to}\0${edge.from}\0${edge.fromRegion}`;
      if (consumers.has(reader)) continue;
      consumers.add(reader);
    }
    const key = `${from}\0${to}`;
    let pair = crossing.get(key);
    if (pair === undefined) {
      pair = { from, to, calls: 0, consumers: 0 };
      crossing.set(key, pair);
    }
    if (reads) pair.consumers++;
    else pair.calls++;
  }
  const some = (n: number, noun: string) => (n === 0 ? [] : [`${n} ${noun}${n === 1 ? "" : "s"}`]);
  const lines = ["flowchart LR"];
  for (const region of [...counts.keys()].sort(byText)) {
    const c = counts.get(region)!;
    const parts = [
      region,
      ...some(c.services, "service"),
      ...some(c.datastores, "datastore"),
      ...some(c.streams, "stream"),
    ];
    lines.push(`  ${regionId(region)}[${label(parts.join(" · "))}]`);
  }
  let size = lines.reduce((n, line) => n + line.length + 1, 0);
  if (size > limits.maxText) return undefined;
  const busiest = [...crossing.values()].sort(
    (a, b) => b.calls + b.consumers - (a.calls + a.consumers) || byText(a.from, b.from) || byText(a.to, b.to),
  );
  let shown = 0;
  for (const pair of busiest) {
    const what = [...some(pair.calls, "call"), ...some(pair.consumers, "consumer")].join(", ");
    const line = `  ${regionId(pair.from)} -->|${label(what)}| ${regionId(pair.to)}`;
    if (shown === limits.maxEdges || size + line.length + 1 > limits.maxText) break;
    lines.push(line);
    size += line.length + 1;
    shown++;
  }
  return { text: `${lines.join("\n")}\n`, leftOut: busiest.length - shown };
}

/** Every component instance as a node line, with its region. */
function* instances(model: Model): Generator<Instance> {
  for (const store of model.datastores)
    for (const p of store.placement)
      yield {
        region: p.region,
        line: `${id(store.name, p.region)}[(${label(`${store.name}${leads(store, p.region) ? " ★" : ""} · ${p.replicas} of ${store.replicas}`)})]`,
      };
  for (const stream of model.streams) {
    for (const region of stream.regions)
      yield {
        region,
        line: `${id(stream.name, region)}>${label(`${stream.name} · ${stream.partitions}p × ${stream.replicas}`)}]`,
      };
    // A mirror-only region's cluster, which MirrorMaker 2 or MSK Replicator fills.
    for (const region of stream.mirrorRegions)
      if (!stream.regions.includes(region))
        yield { region, line: `${id(stream.name, region)}>${label(`${stream.name} · mirror`)}]` };
  }
  for (const service of model.services)
    for (const region of service.regions)
      yield {
        region,
        line: `${id(service.name, region)}[${label(`${service.name} · ${service.replicasPerRegion} pods`)}]`,
      };
}

/** A request path between two component instances: a call, or a stream's consumer reading it. */
interface Path {
  readonly from: string;
  readonly fromRegion: string;
  readonly to: string;
  readonly toRegion: string;
  /** The call's op, or `consume`. */
  readonly op: string;
  readonly soft: boolean;
  /** A call the service makes, a stream feeding one of its consumers, or a stream's mirror. */
  readonly kind: "call" | "consumer" | "mirror";
}

/**
 * Where requests go, as the analysis routes them (src/analysis/services.ts, traffic.ts, streams.ts):
 * from each service region to the nearest region that serves the call by the model's RTT — writes to
 * a region that accepts writes (the leader or primary unless the store is multi-leader or
 * leaderless), strong reads of a single-leader store and reads of an engine whose clients reach only
 * the primary to the leader, other reads to the nearest replica holding data, services to their
 * nearest region (every region of a Kubernetes callee the caller reaches by its clusterset name,
 * which spreads the calls over them), streams as destinations.ts streamDestination routes them (a
 * consumer to its region's cluster or mirror); from each stream region to each mirror region; and
 * from the cluster each consumer's pods read to their region.
 */
function* paths(model: Model): Generator<Path> {
  const stores = new Map(model.datastores.map((d) => [d.name, d]));
  const services = new Map(model.services.map((s) => [s.name, s]));
  const streams = new Map(model.streams.map((s) => [s.name, s]));
  const net = baselineNetworkView(model);
  // Per region list (each component's own array), then origin: many calls share a callee.
  const nearestMemo = new WeakMap<readonly string[], Map<string, string | undefined>>();
  const nearest = (origin: string, regions: readonly string[]): string | undefined => {
    let byOrigin = nearestMemo.get(regions);
    if (byOrigin === undefined) {
      byOrigin = new Map();
      nearestMemo.set(regions, byOrigin);
    }
    if (!byOrigin.has(origin)) byOrigin.set(origin, nearestReachable(origin, regions, net)?.region);
    return byOrigin.get(origin);
  };
  const withData = new Map(model.datastores.map((d) => [d.name, dataRegions(d)]));
  const destinations = (
    caller: ResolvedService,
    to: string,
    op: string,
    region: string,
  ): readonly string[] => {
    const store = stores.get(to);
    if (store !== undefined) {
      const target = storeDestination(store, op, region, nearest, withData.get(store.name));
      return target === undefined ? [] : [target];
    }
    const service = services.get(to);
    if (service !== undefined && crossesClusters(caller, service, region)) return service.regions;
    const stream = streams.get(to);
    const target =
      stream !== undefined
        ? streamDestination(stream, isReadOp(op) ? "read" : "write", region, nearest)
        : service === undefined
          ? undefined
          : nearest(region, service.regions);
    return target === undefined ? [] : [target];
  };
  for (const service of model.services)
    for (const call of service.calls)
      for (const region of service.regions)
        for (const to of destinations(service, call.to, call.op, region))
          yield {
            from: service.name,
            fromRegion: region,
            to: call.to,
            toRegion: to,
            op: call.op,
            soft: !call.hard,
            kind: "call",
          };
  const index = modelIndex(model);
  for (const stream of model.streams) {
    for (const { source, target } of mirrorPairs(stream))
      yield {
        from: stream.name,
        fromRegion: source,
        to: stream.name,
        toRegion: target,
        op: "mirror",
        soft: true,
        kind: "mirror",
      };
    for (const consumer of stream.consumers) {
      const service = index.service(consumer);
      if (service === undefined) continue;
      for (const region of service.regions) {
        // Its region's cluster or mirror, else the nearest; none reachable: it reads nothing.
        const from = streamDestination(stream, "read", region, nearest);
        if (from === undefined) continue;
        yield {
          from: stream.name,
          fromRegion: from,
          to: consumer,
          toRegion: region,
          op: "consume",
          soft: true,
          kind: "consumer",
        };
      }
    }
  }
}
