import { analysisIndex } from "../analysis/analysis-index.js";
import type { Analysis, AnalysisChange } from "../analysis/types.js";
import { isReadOp } from "../model/call-ops.js";
import { modelIndex } from "../model/model-index.js";
import type { Model } from "../model/types.js";
import { byText } from "../order.js";
import { escapeXml } from "../report/escape.js";

/**
 * The call graph (SVG): services in columns by call depth (entry services on the left), datastores
 * and streams in the last column; an edge per call labelled with its operation and the p99 it adds
 * (from the analysis), producers and consumers of streams dashed. Components a what-if leaves
 * unavailable or with a broken SLO are outlined in red.
 */
const NODE_W = 190;
const NODE_H = 44;
const COL_GAP = 110;
const ROW_GAP = 18;
const MARGIN = 30;
const TOP = 60;

/**
 * The largest call graph drawn, in pixels a side: a 2,000-service topology laid out in full is
 * 132,310 × 198,180 px, whose PNG raster (4 bytes a pixel) took all 24 GB of memory before the
 * kernel killed topoplan. 8,192 px a side (a common maximum texture size) keeps the whole
 * picture's raster under 300 MB; a bigger graph is left out with a note of what it would be.
 */
export const MAX_CALL_GRAPH_SIDE = 8192;

const KIND_FILL = { service: "#eceff1", datastore: "#e3f2fd", stream: "#f3e5f5" } as const;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

interface Node {
  readonly name: string;
  readonly kind: keyof typeof KIND_FILL;
  readonly detail: string;
  column: number;
  row: number;
}

/**
 * Columns by longest path from an entry: service → service calls, producer → stream → consumer,
 * so a pipeline reads left to right. Components on a call cycle share a column (the cycle's
 * strongly connected component, found by Tarjan's algorithm without recursion), and the
 * condensed graph is laid out by longest path in topological order: linear in components and
 * edges. (Relaxing every edge until nothing moved ran one round per component when the graph
 * had a cycle, 26 s for the benchmark's 20,000 services, and pushed the cycle's members apart.)
 */
export function depths(model: Model): Map<string, number> {
  const names = [...model.services.map((s) => s.name), ...model.streams.map((s) => s.name)];
  const slot = new Map(names.map((name, i) => [name, i]));
  const next: number[][] = names.map(() => []);
  const link = (from: string, to: string) => {
    const a = slot.get(from);
    const b = slot.get(to);
    if (a !== undefined && b !== undefined) next[a]!.push(b);
  };
  const services = new Set(model.services.map((s) => s.name));
  const streams = new Set(model.streams.map((s) => s.name));
  // A consume call (or a stream `read`, a fetch too) reads the stream: data flows from it to the
  // caller, so the stream comes first.
  for (const s of model.services)
    for (const call of s.calls) {
      if (isReadOp(call.op) && streams.has(call.to)) link(call.to, s.name);
      else link(s.name, call.to);
    }
  for (const stream of model.streams) {
    for (const p of stream.producers) if (services.has(p)) link(p, stream.name);
    for (const c of stream.consumers) if (services.has(c)) link(stream.name, c);
  }
  const { component, count } = stronglyConnected(next);
  const members: number[][] = Array.from({ length: count }, () => []);
  for (const [node, c] of component.entries()) members[c]!.push(node);
  const level = new Array<number>(count).fill(0);
  // Tarjan numbers components sinks first: counting down visits each after all that lead to it.
  for (let c = count - 1; c >= 0; c--)
    for (const node of members[c]!)
      for (const to of next[node]!) {
        const d = component[to]!;
        if (d !== c) level[d] = Math.max(level[d]!, level[c]! + 1);
      }
  return new Map(names.map((name, i) => [name, level[component[i]!]!]));
}

/**
 * Tarjan's strongly connected components over nodes 0..n−1, with a stack of its own rather than
 * recursion (however deep the graph). Component numbers come out in reverse topological order.
 */
function stronglyConnected(next: readonly (readonly number[])[]): { component: number[]; count: number } {
  const n = next.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    // Each frame: a node and how many of its edges were followed.
    const frames: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, edge] = frame;
      if (edge < next[node]!.length) {
        frame[1]++;
        const to = next[node]![edge]!;
        if (index[to] === -1) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = true;
          frames.push([to, 0]);
        } else if (onStack[to]) low[node] = Math.min(low[node]!, index[to]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
      if (low[node] === index[node]) {
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = false;
          component[member] = components;
        } while (member !== node);
        components++;
      }
    }
  }
  return { component, count: components };
}

export function renderCallGraphSvg(
  model: Model,
  analysis: Analysis,
  changes: readonly AnalysisChange[] = [],
): string {
  const depth = depths(model);
  const broken = new Set(
    changes
      .filter((c) => c.kind === "slo-broken" || c.kind === "unavailable" || c.kind === "lost-quorum")
      .map((c) => c.component),
  );
  const nodes = new Map<string, Node>();
  for (const s of model.services)
    nodes.set(s.name, {
      name: s.name,
      kind: "service",
      detail: `${s.regions.length} region${s.regions.length === 1 ? "" : "s"} × ${s.replicasPerRegion} pods`,
      column: depth.get(s.name) ?? 0,
      row: 0,
    });
  let deepest = 0;
  for (const d of depth.values()) deepest = Math.max(deepest, d);
  const last = deepest + 1;
  for (const d of model.datastores)
    nodes.set(d.name, {
      name: d.name,
      kind: "datastore",
      detail: `${d.replication}, ${d.replicas} replicas`,
      column: last,
      row: 0,
    });
  for (const s of model.streams)
    nodes.set(s.name, {
      name: s.name,
      kind: "stream",
      detail: `stream, ${s.partitions} partitions × ${s.replicas}`,
      column: depth.get(s.name) ?? 0,
      row: 0,
    });
  const columns = new Map<number, Node[]>();
  for (const node of nodes.values()) {
    const column = columns.get(node.column);
    if (column === undefined) columns.set(node.column, [node]);
    else column.push(node);
  }
  let rows = 1;
  for (const list of columns.values()) {
    for (const [i, n] of list.sort((a, b) => byText(a.name, b.name)).entries()) n.row = i;
    rows = Math.max(rows, list.length);
  }
  // Long pipelines (more than 5 stages) read top to bottom instead, so the picture stays page-wide.
  const vertical = last + 1 > 5;
  const LEVEL_GAP = 46;
  const width = vertical
    ? Math.max(720, MARGIN * 2 + rows * (NODE_W + 40))
    : MARGIN * 2 + (last + 1) * NODE_W + last * COL_GAP;
  const height = vertical
    ? TOP + (last + 1) * (NODE_H + LEVEL_GAP) + MARGIN
    : TOP + rows * (NODE_H + ROW_GAP) + MARGIN;
  if (width > MAX_CALL_GRAPH_SIDE || height > MAX_CALL_GRAPH_SIDE)
    return tooBig(model, nodes.size, width, height);
  const x = (n: Node) => (vertical ? MARGIN + n.row * (NODE_W + 40) : MARGIN + n.column * (NODE_W + COL_GAP));
  const y = (n: Node) =>
    vertical ? TOP + n.column * (NODE_H + LEVEL_GAP) : TOP + n.row * (NODE_H + ROW_GAP);

  const out = [
    ...frame(model, width, height, [
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#455a64"/></marker></defs>',
    ]),
    `<text x="${MARGIN}" y="46" fill="#546e7a">solid: hard dependency · dashed: soft call, produce or consume · label: operation, p99 the call adds</text>`,
    '<g id="edges">',
  ];
  const edge = (from: Node, to: Node, label: string, dashed: boolean, cls: string) => {
    if (vertical) {
      const x1 = x(from) + NODE_W / 2;
      const y1 = y(from) + NODE_H;
      const x2 = x(to) + NODE_W / 2;
      const y2 = y(to);
      const back = y2 <= y1;
      const d = back
        ? `M${x(from) + NODE_W},${y(from) + NODE_H / 2} C${x(from) + NODE_W + 60},${y(from) + NODE_H / 2} ${x(to) + NODE_W + 60},${y(to) + NODE_H / 2} ${x(to) + NODE_W},${y(to) + NODE_H / 2}`
        : `M${x1},${y1} C${x1},${y1 + LEVEL_GAP / 2} ${x2},${y2 - LEVEL_GAP / 2} ${x2},${y2}`;
      out.push(
        `<g class="${cls}" data-from="${escapeXml(from.name)}" data-to="${escapeXml(to.name)}">`,
        `<path d="${d}" fill="none" stroke="#455a64" stroke-width="1.4"${dashed ? ' stroke-dasharray="5 4"' : ""} marker-end="url(#arrow)"/>`,
        `<text x="${Math.round((x1 + x2) / 2 + 6)}" y="${Math.round(back ? (y1 + y2) / 2 : (y1 + y2) / 2 + 4)}" font-size="10" paint-order="stroke" stroke="#ffffff" stroke-width="3">${escapeXml(label)}</text>`,
        "</g>",
      );
      return;
    }
    const x1 = x(from) + NODE_W;
    const y1 = y(from) + NODE_H / 2;
    const x2 = x(to);
    const y2 = y(to) + NODE_H / 2;
    const back = x2 <= x1; // a call to the same or an earlier column (a cycle): arc below
    const d = back
      ? `M${x(from) + NODE_W / 2},${y(from) + NODE_H} C${x(from) + NODE_W / 2},${y1 + 90} ${x2 + NODE_W / 2},${y2 + 90} ${x2 + NODE_W / 2},${y(to) + NODE_H}`
      : `M${x1},${y1} C${x1 + COL_GAP / 2},${y1} ${x2 - COL_GAP / 2},${y2} ${x2},${y2}`;
    const lx = back ? (x(from) + x2) / 2 + NODE_W / 2 : (x1 + x2) / 2;
    const ly = back ? Math.max(y1, y2) + 70 : (y1 + y2) / 2 - 4;
    out.push(
      `<g class="${cls}" data-from="${escapeXml(from.name)}" data-to="${escapeXml(to.name)}">`,
      `<path d="${d}" fill="none" stroke="#455a64" stroke-width="1.4"${dashed ? ' stroke-dasharray="5 4"' : ""} marker-end="url(#arrow)"/>`,
      `<text x="${Math.round(lx)}" y="${Math.round(ly)}" text-anchor="middle" font-size="10" paint-order="stroke" stroke="#ffffff" stroke-width="3">${escapeXml(label)}</text>`,
      "</g>",
    );
  };
  const results = analysisIndex(analysis);
  for (const s of model.services) {
    const from = nodes.get(s.name)!;
    const calls = results.service(s.name)?.calls ?? [];
    for (const call of s.calls) {
      const to = nodes.get(call.to);
      if (to === undefined) continue;
      const figures = calls.find((c) => c.path === call.path);
      const p99 =
        figures === undefined ? "" : figures.unavailable ? " · down" : ` · ${fmt(figures.p99Ms)} ms`;
      edge(from, to, `${call.op}${p99}`, !call.hard, "call");
    }
  }
  const index = modelIndex(model);
  for (const stream of model.streams) {
    const node = nodes.get(stream.name)!;
    for (const producer of stream.producers) {
      const from = nodes.get(producer);
      // A producer that calls the stream already has its (labelled) edge.
      if (from !== undefined && !index.service(producer)?.calls.some((c) => c.to === stream.name))
        edge(from, node, "produce", true, "produce");
    }
    for (const consumer of stream.consumers) {
      const to = nodes.get(consumer);
      if (to !== undefined) edge(node, to, "consume", true, "consume");
    }
  }
  out.push("</g>", '<g id="nodes">');
  for (const node of [...nodes.values()].sort((a, b) => a.column - b.column || a.row - b.row)) {
    const bad = broken.has(node.name);
    out.push(
      `<g class="node ${node.kind}" data-name="${escapeXml(node.name)}"${bad ? ' data-broken="true"' : ""}>`,
      `<rect x="${x(node)}" y="${y(node)}" width="${NODE_W}" height="${NODE_H}" rx="${node.kind === "service" ? 6 : 16}" fill="${KIND_FILL[node.kind]}" stroke="${bad ? "#c62828" : "#90a4ae"}" stroke-width="${bad ? 3 : 1}"/>`,
      `<text x="${x(node) + 10}" y="${y(node) + 18}" font-weight="bold">${escapeXml(truncate(node.name, 26))}</text>`,
      `<text x="${x(node) + 10}" y="${y(node) + 34}" font-size="10" fill="#546e7a">${escapeXml(truncate(node.detail, 32))}</text>`,
      "</g>",
    );
  }
  out.push("</g>", "</svg>");
  return `${out.join("\n")}\n`;
}

/** The call graph's SVG element, title, background and heading; `defs` go before the background. */
function frame(model: Model, width: number, height: number, defs: readonly string[] = []): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(`${model.name}: call graph`)}</title>`,
    ...defs,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="30" font-size="18" font-weight="bold">${escapeXml(`${model.name}: calls`)}</text>`,
  ];
}

/** In place of a call graph too big to draw: what it would be and where every call is listed. */
function tooBig(model: Model, nodes: number, width: number, height: number): string {
  const px = (n: number) => n.toLocaleString("en-US");
  const lines = [
    `Call graph left out: ${px(nodes)} components make a picture of ${px(width)} × ${px(height)} px,`,
    `more than ${px(MAX_CALL_GRAPH_SIDE)} px a side. \`topoplan plan --format json\` lists every call with its p99.`,
  ];
  const w = 720;
  const h = TOP + lines.length * 18 + MARGIN;
  return [
    ...frame(model, w, h),
    ...lines.map(
      (line, i) => `<text x="${MARGIN}" y="${TOP + i * 18}" fill="#546e7a">${escapeXml(line)}</text>`,
    ),
    "</svg>",
    "",
  ].join("\n");
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
