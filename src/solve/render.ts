import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { paint, type TextStyle } from "../diagnostics/format-text.js";
import { describe } from "./candidate.js";
import type { DatastoreSolution, PlacementFigures, SolveReport } from "./types.js";

const ms = (x: number) => `${+x.toFixed(1)} ms`;
const usd = (x: number) => `$${x.toFixed(2)}`;
const pct = (x: number) => `${+(x * 100).toFixed(5)}%`;
const placementText = (p: PlacementFigures, s: DatastoreSolution) => describe(p, s.leaderBased);
/** Markdown table cells: no pipes, no newlines. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

const COLUMNS: readonly [string, (p: PlacementFigures, s: DatastoreSolution) => string][] = [
  ["placement", placementText],
  ["cost/month", (p) => usd(p.costUsdPerMonth)],
  ["weighted p99", (p) => ms(p.latencyMs)],
  ["write p99", (p) => (p.down?.includes("write") ? "down" : ms(p.writeP99Ms))],
  ["read p99", (p) => (p.down?.includes("read") ? "down" : ms(p.readP99Ms))],
  ["availability", (p) => pct(p.availability)],
  ["survives goal", (p) => (p.survives ? "yes" : "no")],
];

function rows(s: DatastoreSolution): [string, PlacementFigures][] {
  return [
    [s.autoPlaced ? "greedy (auto)" : "current", s.current],
    ...(s.chosen === undefined ? [] : ([["chosen", s.chosen]] as [string, PlacementFigures][])),
  ];
}

/** Findings listed in full up to this many; a large topology can have thousands (JSON has them all). */
export const LISTED_FINDINGS = 10;

/** `path: message` per finding, the first {@link LISTED_FINDINGS}, then how many more. */
function capped(findings: readonly Diagnostic[]): string[] {
  const lines = findings.slice(0, LISTED_FINDINGS).map((d) => `${d.path}: ${d.message}`);
  const more = findings.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more (topoplan check lists them all; --format json has them here)`);
  return lines;
}

function stats(s: DatastoreSolution): string {
  const gap = s.stats.gap;
  const mode =
    s.mode === "exact"
      ? "exact"
      : `heuristic (gap ≤ ${+(gap ? gap.ratio * 100 : 100).toFixed(1)}% to the lower bound ${gap ? +gap.lowerBound.toFixed(2) : "?"})`;
  return `${mode}: ${s.stats.candidateRegions} candidate regions, ${s.stats.placements} placements after pruning, ${s.stats.candidates} with leaders, ${s.stats.evaluated} evaluated, ${s.stats.fullChecks} full checks`;
}

export function renderText(report: SolveReport, style: TextStyle): string {
  const out: string[] = [
    `${paint(`solve ${report.topology}`, "bold", style)}  objective: ${report.objective}`,
  ];
  for (const s of report.datastores) {
    out.push("", paint(`${s.path}`, "bold", style));
    for (const [label, p] of rows(s)) {
      out.push(`  ${label.padEnd(14)} ${placementText(p, s)}`);
      out.push(
        `  ${"".padEnd(14)} ${COLUMNS.slice(1)
          .map(([name, f]) => `${name} ${f(p, s)}`)
          .join(" · ")}`,
      );
    }
    for (const problem of s.current.problems) out.push(paint(`  current: ${problem}`, "yellow", style));
    if (s.infeasible !== undefined) {
      out.push(paint(`  infeasible: ${s.infeasible.message}`, "red", style));
      const always = s.infeasible.failingInEvery;
      if (always !== undefined) {
        out.push(`    every placement checked (${always.checked}) fails, whatever the relaxation: fix first`);
        for (const line of capped(always.findings)) out.push(`      ${line}`);
      }
      for (const r of s.infeasible.relaxations) out.push(`    relax ${r.path}: ${r.message}`);
    }
    if (s.alternatives.length > 0) {
      out.push("  next best:");
      for (const a of s.alternatives) out.push(`    ${placementText(a, s)}  ${paint(a.trade, "dim", style)}`);
    }
    if (s.binding.length > 0) {
      out.push("  binding constraints:");
      for (const b of s.binding) out.push(`    ${b.message}`);
    }
    const hard = s.floors.filter((f) => !f.meetable || f.floorMs > 0.5 * f.target);
    if (hard.length > 0) {
      out.push("  floors:");
      for (const f of hard) out.push(`    ${f.message}`);
    }
    if (s.standing !== undefined) {
      out.push(
        paint(
          `  still failing, as with the current placement (each of the ${s.stats.fullChecks} placements checked, the best by the objective, keeps some or adds a failure of its own: a costlier one may clear them; the chosen one adds none):`,
          "yellow",
          style,
        ),
      );
      for (const line of capped(s.standing)) out.push(paint(`    ${line}`, "yellow", style));
    }
    for (const line of capped(s.elsewhere))
      out.push(paint(`  elsewhere (not this datastore's doing): ${line}`, "dim", style));
    out.push(paint(`  ${stats(s)}`, "dim", style));
  }
  return `${out.join("\n")}\n`;
}

export function renderMarkdown(report: SolveReport): string {
  const out: string[] = [`## topoplan solve: \`${report.topology}\` (objective: ${report.objective})`];
  for (const s of report.datastores) {
    out.push("", `### \`${s.path}\``, "");
    out.push(
      `| | ${COLUMNS.map(([name]) => name).join(" | ")} |`,
      `|---|${COLUMNS.map(() => "---").join("|")}|`,
    );
    for (const [label, p] of [...rows(s), ...s.alternatives.map((a, i) => [`next ${i + 1}`, a] as const)])
      out.push(`| ${label} | ${COLUMNS.map(([, f]) => cell(f(p, s))).join(" | ")} |`);
    if (s.alternatives.length > 0) {
      out.push("", "Next best trade:");
      for (const [i, a] of s.alternatives.entries()) out.push(`- next ${i + 1}: ${cell(a.trade)}`);
    }
    if (s.infeasible !== undefined) {
      out.push("", `**Infeasible:** ${cell(s.infeasible.message)}`, "");
      const always = s.infeasible.failingInEvery;
      if (always !== undefined)
        out.push(
          `Every placement checked (${always.checked}) fails, whatever the relaxation; fix first:`,
          "",
          ...capped(always.findings).map((line) => `- ${cell(line)}`),
          "",
        );
      for (const r of s.infeasible.relaxations) out.push(`- \`${r.path}\`: ${cell(r.message)}`);
    }
    if (s.standing !== undefined) {
      out.push(
        "",
        `Still failing, as with the current placement (each of the ${s.stats.fullChecks} placements checked, the best by the objective, keeps some or adds a failure of its own: a costlier one may clear them; the chosen one adds none):`,
        "",
      );
      for (const line of capped(s.standing)) out.push(`- ${cell(line)}`);
    }
    if (s.binding.length > 0) {
      out.push("", "Binding constraints:");
      for (const b of s.binding) out.push(`- \`${b.path}\`: ${cell(b.message)}`);
    }
    out.push("", `_${stats(s)}_`);
  }
  return `${out.join("\n")}\n`;
}

/** One renderer per format: the command looks the format up here. */
export const SOLVE_FORMATS = {
  text: (report: SolveReport, style: TextStyle) => renderText(report, style),
  json: (report: SolveReport) => `${JSON.stringify(report, null, 2)}\n`,
  markdown: (report: SolveReport) => renderMarkdown(report),
} as const;
