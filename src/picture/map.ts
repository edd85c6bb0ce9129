import { createRequire } from "node:module";
import { geoInterpolate, geoNaturalEarth1, geoPath } from "d3-geo";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { feature } from "topojson-client";
import type { Topology as TopoJson } from "topojson-specification";
import { analysisIndex } from "../analysis/analysis-index.js";
import type { Analysis, AnalysisChange, Failure } from "../analysis/types.js";
import type { Model } from "../model/types.js";
import { byText } from "../order.js";
import { escapeXml } from "../report/escape.js";
import { layoutLabels } from "./labels.js";

/**
 * The topology on a world map (SVG): regions at their catalog coordinates, what each region holds
 * (replicas per datastore with the leader starred, stream brokers, service pods), users' demand,
 * and the inter-region replication links coloured by utilisation and labelled with RTT and load.
 * With failures (what-if): failed regions and links crossed out, moved leaders and broken SLOs.
 * Land from Natural Earth (world-atlas, 1:110m), projected with d3-geo's Natural Earth projection.
 */
export interface MapOptions {
  readonly failures?: readonly Failure[];
  /** What the failures changed (compareAnalyses), for moved leaders and broken SLOs. */
  readonly changes?: readonly AnalysisChange[];
  readonly width?: number;
  readonly height?: number;
}

export const MAP_WIDTH = 1200;
export const MAP_HEIGHT = 700;

/** Utilisation bands: the bandwidth rule's default headroom is 70% (policies/rules/bandwidth.ts). */
export const LINK_COLOURS = [
  { below: 0.5, colour: "#2e7d32", label: "< 50%" },
  { below: 0.7, colour: "#f9a825", label: "50–70%" },
  { below: 1, colour: "#ef6c00", label: "70–100%" },
  { below: Number.POSITIVE_INFINITY, colour: "#c62828", label: "≥ 100% (saturated)" },
] as const;
const UNKNOWN_CAPACITY = "#78909c";

export function linkColour(utilisation: number | undefined): string {
  if (utilisation === undefined) return UNKNOWN_CAPACITY;
  return LINK_COLOURS.find((band) => utilisation < band.below)!.colour;
}

let land: FeatureCollection<Polygon | MultiPolygon> | undefined;
function landFeatures(): FeatureCollection<Polygon | MultiPolygon> {
  if (land === undefined) {
    const require = createRequire(import.meta.url);
    const topology = require("world-atlas/land-110m.json") as TopoJson;
    const converted = feature(topology, topology.objects.land!) as unknown;
    land = (
      (converted as { type: string }).type === "FeatureCollection"
        ? converted
        : { type: "FeatureCollection", features: [converted] }
    ) as FeatureCollection<Polygon | MultiPolygon>;
  }
  return land;
}

const round = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

interface Placed {
  readonly region: string;
  readonly x: number;
  readonly y: number;
  readonly lines: readonly { text: string; cls: string }[];
  readonly share: number;
  readonly failed: boolean;
}

/**
 * What a region holds: a line per datastore (★ where it leads), then streams and services, each
 * summed into one line when there are more than {@link MAX_LINES_PER_KIND} of them (datastores
 * past {@link MAX_DATASTORE_LINES}).
 */
const MAX_LINES_PER_KIND = 3;
/** Datastores, with their replicas and leader stars, are listed further before they are counted. */
const MAX_DATASTORE_LINES = 8;
function holdings(
  model: Model,
  analysis: Analysis,
  region: string,
  failed: boolean,
  movedTo: Map<string, string>,
): Placed["lines"] {
  const lines: { text: string; cls: string }[] = [];
  const results = analysisIndex(analysis);
  const stores: { text: string; replicas: number; leads: boolean; moved: boolean }[] = [];
  for (const store of model.datastores) {
    const p = store.placement.find((x) => x.region === region);
    if (p === undefined) continue;
    const a = results.datastore(store.name);
    // A leader only where the model has one (none for leaderless, every write region for
    // multi-leader) and never in a failed region.
    const leads =
      !failed &&
      (store.replication === "leaderless"
        ? false
        : store.replication === "multi-leader"
          ? store.writeRegions.includes(region)
          : (a?.effectiveLeader ?? store.leader) === region);
    const moved = movedTo.get(store.name) === region ? " (leader moved here)" : "";
    stores.push({
      text: `${store.name} ×${p.replicas}${leads ? " ★" : ""}${moved}`,
      replicas: p.replicas,
      leads,
      moved: moved !== "",
    });
  }
  if (stores.length > MAX_DATASTORE_LINES) {
    const leaders = stores.filter((s) => s.leads).length;
    const moved = stores.filter((s) => s.moved).length;
    const parts = [
      `${stores.length} datastores`,
      `${stores.reduce((n, s) => n + s.replicas, 0)} replicas`,
      ...(leaders > 0 ? [`${leaders} ★`] : []),
      ...(moved > 0 ? [`${moved} leader${moved === 1 ? "" : "s"} moved here`] : []),
    ];
    lines.push({ text: parts.join(" · "), cls: "ds" });
  } else for (const s of stores) lines.push({ text: s.text, cls: "ds" });
  const streams = model.streams.filter((s) => s.regions.includes(region));
  if (streams.length > MAX_LINES_PER_KIND)
    lines.push({
      text: `${streams.length} streams · ${streams.reduce((n, s) => n + s.partitions, 0)} partitions`,
      cls: "st",
    });
  else for (const s of streams) lines.push({ text: `${s.name} ${s.partitions}p ×${s.replicas}`, cls: "st" });
  const services = model.services.filter((s) => s.regions.includes(region));
  if (services.length > MAX_LINES_PER_KIND)
    lines.push({
      text: `${services.length} services · ${services.reduce((n, s) => n + s.replicasPerRegion, 0)} pods`,
      cls: "svc",
    });
  else for (const s of services) lines.push({ text: `${s.name} ${s.replicasPerRegion} pods`, cls: "svc" });
  return lines;
}

export function renderMapSvg(model: Model, analysis: Analysis, options: MapOptions = {}): string {
  const width = options.width ?? MAP_WIDTH;
  const height = options.height ?? MAP_HEIGHT;
  const failures = options.failures ?? analysis.failures;
  const failedRegions = new Set(failures.flatMap((f) => (f.kind === "region" ? [f.region] : [])));
  const failedLinks = new Set(
    failures.flatMap((f) => (f.kind === "link" ? [[...f.between].sort().join("|")] : [])),
  );
  const movedTo = new Map(
    (options.changes ?? []).filter((c) => c.kind === "leader-moved").map((c) => [c.component, String(c.to)]),
  );
  const located = model.regions
    .map((code) => ({ code, region: model.catalog.regions.get(code) }))
    .filter((r) => r.region?.lat !== undefined && r.region.lon !== undefined);
  const unplaced = model.regions.filter((code) => !located.some((r) => r.code === code));

  // Fit the regions with a margin; never closer than a 40°-wide view, so one region still has context.
  const lons = located.map((r) => r.region!.lon!);
  const lats = located.map((r) => r.region!.lat!);
  const pad = 12;
  let [west, east] = [Math.min(...lons) - pad, Math.max(...lons) + pad];
  let [south, north] = [Math.min(...lats) - pad, Math.max(...lats) + pad];
  if (located.length === 0) [west, east, south, north] = [-180, 180, -60, 80];
  if (east - west < 40) [west, east] = [(west + east) / 2 - 20, (west + east) / 2 + 20];
  if (north - south < 25) [south, north] = [(south + north) / 2 - 12.5, (south + north) / 2 + 12.5];
  const top = 56;
  const bottom = 170;
  const projection = geoNaturalEarth1().fitExtent(
    [
      [30, top],
      [width - 30, height - bottom],
    ],
    {
      type: "MultiPoint",
      coordinates: [
        [west, south],
        [east, north],
        [west, north],
        [east, south],
        [(west + east) / 2, north],
        [(west + east) / 2, south],
      ],
    },
  );
  // Clip in the projection so far-off land is not emitted at all (smaller files, bounded coordinates).
  projection.clipExtent([
    [0, top - 8],
    [width, height - bottom + 8],
  ]);
  const path = geoPath(projection);
  const share = new Map(model.users.map((u) => [u.region, u.share]));
  const places: Placed[] = located.map(({ code, region }) => {
    const [x, y] = projection([region!.lon!, region!.lat!])!;
    return {
      region: code,
      x: round(x),
      y: round(y),
      lines: holdings(model, analysis, code, failedRegions.has(code), movedTo),
      share: share.get(code) ?? 0,
      failed: failedRegions.has(code),
    };
  });

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(`${model.name}: topology map`)}</title>`,
    "<style>.ds{fill:#0d47a1}.st{fill:#6a1b9a}.svc{fill:#37474f}.link-label{font-size:11px;fill:#212121}.failed{fill:#c62828;font-weight:bold}</style>",
    `<rect width="${width}" height="${height}" fill="#e3f2fd"/>`,
    `<g id="land"><path d="${path(landFeatures()) ?? ""}" fill="#f5f5f0" stroke="#b0bec5" stroke-width="0.6"/></g>`,
    `<text x="20" y="30" font-size="20" font-weight="bold">${escapeXml(model.name)}</text>`,
    `<text x="20" y="48" fill="#546e7a">${escapeXml(failures.length > 0 ? `what if: ${failures.map(describeFailure).join(", ")} fail` : "regions, replicas (★ leader), users' demand and replication links")}</text>`,
  ];

  // Links: both directions of a pair drawn once, the busier direction's utilisation decides the colour.
  const pairs = new Map<
    string,
    { a: string; b: string; mbps: number; utilisation?: number; capacity?: number }
  >();
  for (const link of analysis.links) {
    const [a, b] = [link.from, link.to].sort() as [string, string];
    const key = `${a}|${b}`;
    const pair = pairs.get(key) ?? { a, b, mbps: 0 };
    pair.mbps += link.mbps;
    if (link.utilisation !== undefined) pair.utilisation = Math.max(pair.utilisation ?? 0, link.utilisation);
    if (link.capacityMbps !== undefined) pair.capacity = link.capacityMbps;
    pairs.set(key, pair);
  }
  for (const link of model.links) {
    const [a, b] = link.between;
    const key = `${a}|${b}`;
    if (!pairs.has(key))
      pairs.set(key, { a, b, mbps: 0, ...(link.bandwidthMbps ? { capacity: link.bandwidthMbps } : {}) });
  }
  const linkList: { text: string; colour: string; failed: boolean }[] = [];
  out.push('<g id="links">');
  for (const [key, pair] of [...pairs.entries()].sort(([x], [y]) => byText(x, y))) {
    const from = model.catalog.regions.get(pair.a);
    const to = model.catalog.regions.get(pair.b);
    if (from?.lat === undefined || to?.lat === undefined || from.lon === undefined || to.lon === undefined)
      continue;
    const ends: [number, number][] = [
      [from.lon, from.lat],
      [to.lon, to.lat],
    ];
    const d = path({ type: "LineString", coordinates: ends }) ?? "";
    const failed = failedLinks.has(key) || failedRegions.has(pair.a) || failedRegions.has(pair.b);
    const colour = failed ? "#c62828" : linkColour(pair.utilisation);
    const widthPx = pair.mbps > 0 ? round(1.5 + Math.min(6, Math.log10(1 + pair.mbps))) : 1;
    const dash = failed ? ' stroke-dasharray="6 4"' : pair.mbps === 0 ? ' stroke-dasharray="2 4"' : "";
    const rtt = model.catalog.rttMs(pair.a, pair.b);
    const mid = projection(geoInterpolate(ends[0]!, ends[1]!)(0.5))!;
    const load =
      pair.mbps > 0
        ? ` · ${fmt(pair.mbps)} Mbit/s${pair.utilisation === undefined ? "" : ` (${Math.round(pair.utilisation * 100)}%)`}`
        : "";
    const label = `${rtt === undefined ? "? ms" : `${fmt(rtt)} ms`}${load}`;
    linkList.push({ text: `${pair.a} – ${pair.b}: ${label}${failed ? " · FAILED" : ""}`, colour, failed });
    // On the map only where the line is long enough to carry it; the legend lists every link.
    const [x1, y1] = projection(ends[0]!)!;
    const [x2, y2] = projection(ends[1]!)!;
    const onMap = Math.hypot(x2 - x1, y2 - y1) >= 150;
    out.push(
      `<g class="link" data-from="${escapeXml(pair.a)}" data-to="${escapeXml(pair.b)}"${failed ? ' data-failed="true"' : ""}>`,
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${widthPx}" stroke-linecap="round"${dash} opacity="0.9"/>`,
      ...(onMap
        ? [
            `<text class="link-label" x="${round(mid[0])}" y="${round(mid[1] - 4)}" text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="3">${escapeXml(label)}</text>`,
          ]
        : []),
      ...(failed && failedLinks.has(key) ? [cross(mid[0], mid[1] + 8, 7)] : []),
      "</g>",
    );
  }
  out.push("</g>", '<g id="regions">');
  // Region markers first, then their label boxes laid out clear of each other (src/picture/labels.ts).
  const LINE = 14;
  const heads = new Map(
    places.map((p) => [
      p.region,
      `${p.region}${p.share > 0 ? ` · ${Math.round(p.share * 100)}% of users` : ""}${p.failed ? " · FAILED" : ""}`,
    ]),
  );
  const boxes = new Map(
    layoutLabels(
      places.map((p) => ({
        id: p.region,
        x: p.x,
        y: p.y,
        width: 12 + 6.6 * Math.max(heads.get(p.region)!.length, ...p.lines.map((l) => l.text.length)),
        height: 8 + LINE * (1 + p.lines.length),
      })),
      { width, top, bottom: height - bottom },
    ).map((b) => [b.id, b]),
  );
  for (const p of places) {
    const demand = p.share > 0 ? round(6 + 26 * Math.sqrt(p.share)) : 0;
    out.push(
      `<g class="region" data-region="${escapeXml(p.region)}"${p.failed ? ' data-failed="true"' : ""}>`,
    );
    if (demand > 0)
      out.push(
        `<circle cx="${p.x}" cy="${p.y}" r="${demand}" fill="#ff7043" fill-opacity="0.18" stroke="#ff7043" stroke-opacity="0.5"/>`,
      );
    out.push(`<circle cx="${p.x}" cy="${p.y}" r="5" fill="${p.failed ? "#c62828" : "#263238"}"/>`);
    if (p.failed) out.push(cross(p.x, p.y, 14));
    out.push("</g>");
  }
  out.push("</g>", '<g id="labels">');
  for (const p of places) {
    const box = boxes.get(p.region)!;
    const tx = round(box.left + 6);
    if (box.detached) {
      const ex = box.left > p.x ? box.left : box.left + box.width;
      out.push(
        `<line x1="${p.x}" y1="${p.y}" x2="${round(ex)}" y2="${round(box.top + LINE)}" stroke="#78909c" stroke-width="0.8"/>`,
      );
    }
    const lines = [
      `<tspan x="${tx}" dy="0" font-weight="bold"${p.failed ? ' class="failed"' : ""}>${escapeXml(heads.get(p.region)!)}</tspan>`,
      ...p.lines.map(
        (line) => `<tspan x="${tx}" dy="${LINE}" class="${line.cls}">${escapeXml(line.text)}</tspan>`,
      ),
    ];
    out.push(
      `<g class="label" data-region="${escapeXml(p.region)}">`,
      `<rect x="${round(box.left)}" y="${round(box.top)}" width="${round(box.width)}" height="${round(box.height)}" rx="3" fill="#ffffff" fill-opacity="0.85" stroke="${p.failed ? "#c62828" : "#b0bec5"}" stroke-width="0.6"/>`,
      `<text x="${tx}" y="${round(box.top + LINE)}">${lines.join("")}</text>`,
      "</g>",
    );
  }
  out.push("</g>");
  out.push(...legend(height, bottom, unplaced, options.changes ?? [], linkList));
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

const cross = (x: number, y: number, r: number) =>
  `<path class="cross" d="M${round(x - r)},${round(y - r)}L${round(x + r)},${round(y + r)}M${round(x - r)},${round(y + r)}L${round(x + r)},${round(y - r)}" stroke="#c62828" stroke-width="3"/>`;

export function describeFailure(f: Failure): string {
  return f.kind === "region" ? f.region : f.kind === "zone" ? f.zone : `link ${f.between.join("/")}`;
}

function legend(
  height: number,
  bottom: number,
  unplaced: readonly string[],
  changes: readonly AnalysisChange[],
  links: readonly { text: string; colour: string; failed: boolean }[],
): string[] {
  const y = height - bottom + 22;
  const out = ['<g id="legend" font-size="11">'];
  let x = 20;
  out.push(`<text x="${x}" y="${y}" font-weight="bold">links (RTT · load · utilisation):</text>`);
  x += 210;
  for (const band of LINK_COLOURS) {
    out.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${band.colour}" stroke-width="4"/>`,
      `<text x="${x + 27}" y="${y}">${escapeXml(band.label)}</text>`,
    );
    x += 40 + band.label.length * 6.5;
  }
  out.push(
    `<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${UNKNOWN_CAPACITY}" stroke-width="4"/>`,
    `<text x="${x + 27}" y="${y}">capacity not declared</text>`,
  );
  const y2 = y + 18;
  out.push(
    `<circle cx="26" cy="${y2 - 4}" r="7" fill="#ff7043" fill-opacity="0.18" stroke="#ff7043"/>`,
    `<text x="40" y="${y2}">users' demand (area ∝ share)</text>`,
    `<text x="230" y="${y2}"><tspan class="ds">datastore ×replicas (★ leader)</tspan>  <tspan class="st">stream partitions ×replicas</tspan>  <tspan class="svc">service pods</tspan></text>`,
  );
  let y3 = y2 + 20;
  if (unplaced.length > 0) {
    out.push(
      `<text x="20" y="${y3}" fill="#546e7a">${escapeXml(`not on the map (no coordinates in the catalog): ${unplaced.join(", ")}`)}</text>`,
    );
    y3 += 16;
  }
  const broken = changes.filter(
    (c) => c.kind === "slo-broken" || c.kind === "lost-quorum" || c.kind === "unavailable",
  );
  if (broken.length > 0) {
    const shown = broken.slice(0, 3).map((c) => `${c.component}: ${c.message}`);
    const more = broken.length - shown.length;
    out.push(
      `<text x="20" y="${y3}" class="failed">${escapeXml(`${broken.length} broken: ${shown.join("; ")}${more > 0 ? `; … ${more} more` : ""}`.slice(0, 190))}</text>`,
    );
    y3 += 16;
  }
  // Every link, two columns, busiest first as listed by the analysis order (sorted by pair).
  const rows = 5;
  const shown = links.slice(0, 2 * rows);
  shown.forEach((link, i) => {
    const lx = 20 + Math.floor(i / rows) * 560;
    const ly = y3 + 4 + (i % rows) * 15;
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${ly - 4}" stroke="${link.colour}" stroke-width="3"/>`,
      `<text x="${lx + 22}" y="${ly}"${link.failed ? ' class="failed"' : ""}>${escapeXml(link.text)}</text>`,
    );
  });
  if (links.length > shown.length)
    out.push(
      `<text x="20" y="${y3 + 4 + rows * 15}" fill="#546e7a">… ${links.length - shown.length} more links (topoplan plan lists them all)</text>`,
    );
  out.push("</g>");
  return out;
}
