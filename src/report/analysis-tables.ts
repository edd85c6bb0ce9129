import { endToEndMissing } from "../analysis/streams.js";
import type { Analysis, AnalysisChange, LatencyProfile } from "../analysis/types.js";
import { paint, type TextStyle } from "../diagnostics/format-text.js";
import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { grouped, plural, truncated } from "./numbers.js";
import { wrap } from "./wrap.js";

/** Right-aligned numbers, left-aligned text, two spaces between columns. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  indent = "    ",
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map(
    (_, i) =>
      rows.length > 0 &&
      // A figure, or "-" for none (at least one row has a figure).
      rows.every(
        (r) => /^[-\d.,$%<>∞ ]*[a-z%]*$/i.test(r[i] ?? "") && (/\d/.test(r[i] ?? "") || r[i] === "-"),
      ) &&
      rows.some((r) => /\d/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** `key  value` lines with the keys padded to one width; values wrap to 100 columns under themselves. */
export function keyValues(rows: readonly (readonly [string, string])[], indent = "    "): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  const hang = " ".repeat(indent.length + width + 2);
  return rows.map(([k, v]) => wrap(v, `${indent}${k.padEnd(width)}  `, hang)).join("\n");
}

export const fmtMs = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const fmtUsd = (x: number): string => `$${grouped(x, 2)}`;

/**
 * The most nines a figure is shown with. The model composes independent zone and region failures
 * with catalog probabilities that are estimates to one significant digit (src/catalog/data/
 * defaults.ts); causes it does not model (bad deploys, configuration, control planes, correlated
 * software faults) dominate well before 1e-6 unavailability, so finer figures would be noise.
 * Estimate; see docs/model.md.
 */
export const MAX_NINES = 6;

/** 0.99994 → "99.994% (4.2 nines)"; beyond {@link MAX_NINES}: "≥ 99.9999% (model limit)"; 1 → "100%". */
export function fmtAvailability(p: number): string {
  if (p <= 0) return "0% (down)";
  const nines = p >= 1 ? Number.POSITIVE_INFINITY : -Math.log10(1 - p);
  if (nines >= MAX_NINES) return `≥ ${(100 - 10 ** (2 - MAX_NINES)).toFixed(MAX_NINES - 2)}% (model limit)`;
  const digits = Math.max(2, Math.min(MAX_NINES - 2, Math.ceil(nines) - 1));
  // Cut, not rounded: 99.9897% must not read as a 99.99% SLO met, nor 3.99 nines as 4.0.
  return `${+truncated(p * 100, digits)}% (${truncated(nines, 1)} nines)`;
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Latency per origin, one p50/p99 pair per profile. Profiles with the same origins and shares share
 * one share column; otherwise (a store's writers and readers in different regions) each has its
 * own, and "-" marks an origin a profile does not have ("down": it has it, and cannot serve it).
 */
function latencyRows(profiles: readonly [string, LatencyProfile][]): string {
  const origins = [...new Set(profiles.flatMap(([, p]) => p.byOrigin.map((o) => o.origin)))];
  const shareText = (profile: LatencyProfile) => profile.byOrigin.map((o) => `${o.origin}:${o.share}`).join();
  const oneShare = new Set(profiles.map(([, p]) => shareText(p))).size <= 1;
  const headers = [
    "origin",
    ...(oneShare ? ["share"] : []),
    ...profiles.flatMap(([name]) => [...(oneShare ? [] : [`${name} share`]), `${name} p50`, `${name} p99`]),
  ];
  // Each profile's origins by name, once: finding them per row was quadratic in origins.
  const byOrigin = profiles.map(([, profile]) => {
    const found = new Map<string, LatencyProfile["byOrigin"][number]>();
    for (const o of profile.byOrigin) if (!found.has(o.origin)) found.set(o.origin, o);
    return found;
  });
  const rows = origins.map((origin) => {
    const cells = byOrigin.map((found) => {
      const o = found.get(origin);
      const figures =
        o === undefined ? ["-", "-"] : o.unavailable ? ["down", "down"] : [fmtMs(o.p50Ms), fmtMs(o.p99Ms)];
      return { share: o === undefined ? "-" : pct(o.share), figures };
    });
    return [
      origin,
      ...(oneShare ? [cells[0]!.share] : []),
      ...cells.flatMap((c) => [...(oneShare ? [] : [c.share]), ...c.figures]),
    ];
  });
  return table(headers, rows);
}

/**
 * A store's quorums as its reads use them: a consensus store's strong read is served by the
 * leaseholder (or the leader after a quorum round, read-index), a weaker read by the nearest
 * replica — "read 3" read as three replicas asked per read. (The live quorum a leader needs is the
 * availability row's business.)
 */
function quorumText(
  quorum: { readonly write: number; readonly read: number },
  spec: ResolvedDatastore | undefined,
): string {
  if (spec?.replication !== "consensus") return `write ${quorum.write}, read ${quorum.read}`;
  const reads =
    spec.consistency !== "strong"
      ? "reads at the nearest replica"
      : spec.strongRead === "read-index"
        ? `reads at the leader after a quorum round (${quorum.read})`
        : "reads at the leaseholder";
  return `write ${quorum.write}, ${reads}`;
}

/** `topoplan plan`: the analysis per component, as tables (figures in ms, USD per month). */
export function renderAnalysisTables(model: Model, analysis: Analysis, style: TextStyle): string {
  const out: string[] = [];
  const heading = (text: string) => out.push("", paint(text, "bold", style));
  // read / write / produce / consume / request of each call, by its spec path.
  const ops = new Map(model.services.flatMap((s) => s.calls.map((c) => [c.path, c.op] as const)));
  const index = modelIndex(model);
  if (analysis.datastores.length > 0) heading("Datastores");
  for (const ds of analysis.datastores) {
    const spec = index.datastore(ds.name);
    // Roles only where the replication model has them.
    const leader =
      ds.replication === "leaderless"
        ? ""
        : ds.replication === "multi-leader"
          ? `, leaders ${(spec?.writeRegions ?? []).join(", ")}`
          : `, leader ${ds.effectiveLeader ?? ds.leader}`;
    out.push(
      "",
      `  ${paint(ds.name, "bold", style)}  ${wrap(`${ds.replication}, ${plural(ds.replicas, "replica")} × ${plural(ds.partitions, "partition")}${leader}`, " ".repeat(4 + ds.name.length), "      ").trimStart()}`,
    );
    const s = ds.survival;
    const check = (c: typeof s.zone) =>
      `${c.goal} ${c.survives ? "survives" : "FAILS"} (losing ${c.worstDomain ?? "-"} leaves ${c.replicasLeft}, quorum ${c.quorum}${c.operatorDomain === undefined ? "" : `${c.operatorDomain === c.worstDomain ? ", but" : `; losing ${c.operatorDomain}`} writes stop until an operator promotes a replica`})`;
    const lagText = ds.replicationLag
      .map((l) => `${l.region} ${l.unbounded ? "unbounded" : `${fmtMs(l.p99Ms)} ms`}`)
      .join(", ");
    out.push(
      keyValues([
        [
          "placement",
          `${(spec?.placement ?? []).map((p) => `${p.region} ×${p.replicas}`).join(", ")}${spec?.autoPlaced ? ' (placement "auto": chosen by topoplan solve)' : ""}`,
        ],
        ["quorum", `${quorumText(ds.quorum, spec)}; commit p50 ${fmtMs(ds.commitP50Ms)} ms`],
        [
          "survival",
          `goal ${s.goal}: ${s.meetsGoal ? "met" : "NOT MET"}; ${check(s.zone)}; ${check(s.region)}`,
        ],
        // With its note: a goal met with fewer replicas than this (3 voters over 3 regions) is
        // explained, and the figure is then what the note recommends, not a floor the store is under.
        [
          s.meetsGoal && ds.replicas < s.minReplicas ? "recommended" : "minimum",
          `${s.noCount === true ? "no replica count meets" : `${s.minReplicas} replicas over ${s.minRegions} region(s) for`} goal ${s.goal}${s.note === undefined ? "" : ` — ${s.note}`}`,
        ],
        [
          "availability",
          `write ${fmtAvailability(ds.availability.write)}, read ${fmtAvailability(ds.availability.read)}`,
        ],
        ...(ds.partitionsWithoutQuorum > 0
          ? [["NO QUORUM", `${ds.partitionsWithoutQuorum} of ${ds.partitions} partitions`] as const]
          : []),
        ["lag p99", lagText === "" ? "-" : lagText],
        ["rpo", `${fmtMs(ds.rpoMs)} ms`],
        [
          "cost/month",
          // Its "egress" counts traffic between zones too, which the links table (regions) does not.
          `${fmtUsd(ds.costUsdPerMonth.replicas)} replicas + ${fmtUsd(ds.costUsdPerMonth.egress)} data transfer (between regions and zones)`,
        ],
      ]),
      latencyRows([
        ["write", ds.write],
        ["read", ds.read],
      ]),
    );
  }
  if (analysis.services.length > 0) heading("Services");
  for (const service of analysis.services) {
    out.push(
      "",
      `  ${paint(service.name, "bold", style)}  ${wrap(`availability ${fmtAvailability(service.availability)} (own deployment ${fmtAvailability(service.ownAvailability)})${service.cycle ? `; call cycle: ${service.cycle.join(" → ")}` : ""}`, " ".repeat(4 + service.name.length), "      ").trimStart()}`,
      latencyRows([["request", service.latency]]),
    );
    if (service.calls.length > 0)
      out.push(
        table(
          ["call", "op", "attempts", "p99 ms"],
          service.calls.map((c) => [
            c.to,
            ops.get(c.path) ?? "",
            String(c.attempts),
            c.unavailable ? "down" : fmtMs(c.p99Ms),
          ]),
        ),
      );
  }
  if (analysis.streams.length > 0) heading("Streams");
  for (const stream of analysis.streams) {
    out.push(
      "",
      `  ${paint(stream.name, "bold", style)}  ${wrap(`end-to-end p99 ${stream.endToEndP99Ms === undefined ? `none (${endToEndMissing(stream) ?? "no producer is up"})` : `${fmtMs(stream.endToEndP99Ms)} ms${stream.endToEndUnbounded ? " (unbounded: a mirror's link is overloaded; after an hour)" : ""}`}, availability ${fmtAvailability(stream.availability)}, zone survival ${stream.survival.zone.survives ? "yes" : "NO"}, cost ${fmtUsd(stream.costUsdPerMonth.replicas + stream.costUsdPerMonth.egress)}/month`, " ".repeat(4 + stream.name.length), "      ").trimStart()}`,
      latencyRows([["produce", stream.produce]]),
    );
  }
  heading("Inter-region replication links");
  out.push(
    analysis.links.length === 0
      ? "    (no inter-region replication traffic)"
      : table(
          ["from", "to", "Mbit/s", "capacity", "utilisation", "egress/month"],
          analysis.links.map((l) => [
            l.from,
            l.to,
            l.mbps.toFixed(2),
            l.capacityMbps === undefined ? "-" : String(l.capacityMbps),
            l.utilisation === undefined ? "-" : `${(l.utilisation * 100).toFixed(1)}%`,
            fmtUsd(l.egressUsdPerMonth),
          ]),
        ),
  );
  heading(`Cost per month (${analysis.cost.basis})`);
  out.push(
    table(
      ["replicas", "data transfer (regions and zones)", "total"],
      [
        [
          fmtUsd(analysis.cost.replicasUsdPerMonth),
          fmtUsd(analysis.cost.egressUsdPerMonth),
          fmtUsd(analysis.cost.totalUsdPerMonth),
        ],
      ],
    ),
  );
  return out.join("\n");
}

/** `topoplan whatif`: the failures applied and what changed, broken SLOs first. */
export function renderChanges(
  failures: readonly string[],
  changes: readonly AnalysisChange[],
  style: TextStyle,
): string {
  const out = [`failing: ${failures.join(", ")}`, ""];
  if (changes.length === 0) out.push("nothing changes: every component keeps serving with the same figures");
  for (const change of changes) {
    const tone =
      change.kind === "slo-broken" ||
      change.kind === "lost-quorum" ||
      change.kind === "unavailable" ||
      (change.kind === "data-loss" && Number(change.to) > 0)
        ? "red"
        : "dim";
    // Wrapped to 100 columns under the message; a link's name is already in its message.
    const subject = change.kind === "link-load" ? "" : `${change.component}  `;
    const text = wrap(`${subject}${change.message}`, " ".repeat(16), " ".repeat(18)).slice(16);
    out.push(
      `${paint(change.kind.padEnd(15), tone, style)} ${subject === "" ? text : `${paint(change.component, "bold", style)}${text.slice(change.component.length)}`}`,
    );
  }
  const broken = changes.filter((c) => c.kind === "slo-broken").length;
  out.push(
    "",
    broken > 0
      ? paint(`${broken} SLO${broken === 1 ? "" : "s"} broken`, "red", style)
      : paint("no SLO broken", "cyan", style),
  );
  return `${out.join("\n")}\n`;
}
