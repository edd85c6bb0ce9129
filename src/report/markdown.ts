import { analysisIndex } from "../analysis/analysis-index.js";
import { recoveryVerdicts } from "../analysis/recovery.js";
import { endToEndMissing } from "../analysis/streams.js";
import type { Analysis, LatencyProfile, StreamAnalysis } from "../analysis/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/types.js";
import { escapeMarkdown, markdownCode } from "./escape.js";
import { fitMarkdown, GITHUB_COMMENT_LIMIT, type MarkdownSection } from "./fit.js";
import { type TopologyDiagram, topologyDiagram } from "./mermaid.js";
import { percent, plural, usd } from "./numbers.js";
import type { CheckReport } from "./types.js";

export { GITHUB_COMMENT_LIMIT } from "./fit.js";

export interface MarkdownOptions {
  readonly model?: Model;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
  /** The command reporting (`solve`'s and `diff`'s refusals of invalid input). @default "check" */
  readonly command?: string;
  /**
   * Only the findings: a refusal of invalid input, which has no SLOs, cost or suppressed findings
   * to show (empty "SLOs" and "Suppressed (0)" sections read as if the topology had been checked).
   */
  readonly findingsOnly?: boolean;
}

const ICON: Readonly<Record<string, string>> = { error: "🔴 error", warning: "🟡 warning", info: "🔵 info" };

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

/** Spec strings reach the comment only through the escaping helpers: no HTML, link or table break. */
function findingRow(d: Diagnostic, reason?: string): string {
  const label = d.status === "unknown" ? "⚪ unknown" : (ICON[d.severity] ?? d.severity);
  const where = d.location ? ` (line ${d.location.line})` : "";
  const last = reason === undefined ? (d.fix ?? "") : reason;
  return row([
    label,
    markdownCode(d.code),
    `${markdownCode(d.path)}${where}`,
    escapeMarkdown(d.message),
    escapeMarkdown(last),
  ]);
}

const FINDINGS_HEAD = ["| | Rule | Path | Finding | Fix |", "|---|---|---|---|---|"];

const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

interface SloRow {
  readonly component: string;
  readonly slo: string;
  readonly target: string;
  readonly predicted: string;
  readonly ok: boolean | undefined;
}

/** Every declared SLO with the analysis' prediction next to it. */
export function sloRows(model: Model, analysis: Analysis | undefined): SloRow[] {
  const rows: SloRow[] = [];
  // By name, not a search of the results per component (20,000 services: 2 × 10⁸ comparisons).
  const results = analysis === undefined ? undefined : analysisIndex(analysis);
  const latency = (
    component: string,
    slo: string,
    target: number | undefined,
    profile: LatencyProfile | undefined,
  ) => {
    if (target === undefined) return;
    const predicted = profile?.worstP99Ms;
    rows.push({
      component,
      slo,
      target: ms(target),
      predicted: predicted === undefined ? "—" : ms(predicted),
      ok: predicted === undefined ? undefined : predicted <= target,
    });
  };
  const availability = (component: string, target: number | undefined, predicted: number | undefined) => {
    if (target === undefined) return;
    rows.push({
      component,
      slo: "availability",
      // Cut, not rounded, as the findings print it: 99.98969% reads 99.9896%, never a 99.99% target met.
      target: percent(target),
      predicted: predicted === undefined ? "—" : percent(predicted),
      ok: predicted === undefined ? undefined : predicted >= target,
    });
  };
  for (const store of model.datastores) {
    const a = results?.datastore(store.name);
    availability(
      store.path,
      store.slo.availability,
      a && Math.min(a.availability.write, a.availability.read),
    );
    latency(store.path, "write p99", store.slo.writeP99Ms, a?.write);
    latency(store.path, "read p99", store.slo.readP99Ms, a?.read);
    if (store.slo.replicationLagMs !== undefined) {
      const lags = a?.replicationLag ?? [];
      const worst =
        lags.length === 0 ? undefined : Math.max(...lags.map((l) => (l.unbounded ? Infinity : l.p99Ms)));
      rows.push({
        component: store.path,
        slo: "replication lag p99",
        target: ms(store.slo.replicationLagMs),
        predicted: worst === undefined ? "—" : worst === Infinity ? "unbounded" : ms(worst),
        ok: worst === undefined ? undefined : worst <= store.slo.replicationLagMs,
      });
    }
    recoveryRows(rows, store, a);
  }
  for (const service of model.services) {
    const a = results?.service(service.name);
    availability(service.path, service.slo.availability, a?.availability);
    latency(service.path, "p99", service.slo.latencyP99Ms, a?.latency);
  }
  for (const stream of model.streams) {
    const a = results?.stream(stream.name);
    availability(stream.path, stream.slo.availability, a?.availability);
    if (stream.slo.endToEndP99Ms !== undefined) {
      rows.push({
        component: stream.path,
        slo: "end-to-end p99",
        target: ms(stream.slo.endToEndP99Ms),
        ...endToEndRow(a, stream.slo.endToEndP99Ms),
      });
    }
  }
  return rows;
}

/** RPO and RTO through the loss of the leader's region, as `check` judges them (src/analysis/recovery.ts). */
function recoveryRows(
  rows: SloRow[],
  store: Model["datastores"][number],
  a: Analysis["datastores"][number] | undefined,
): void {
  const verdicts = a === undefined ? [] : recoveryVerdicts(a);
  for (const objective of ["rpoSeconds", "rtoSeconds"] as const) {
    const target = store.slo[objective];
    if (target === undefined) continue;
    const verdict = verdicts.find((v) => v.objective === objective);
    rows.push({
      component: store.path,
      slo: objective === "rpoSeconds" ? "RPO" : "RTO",
      target: `${+target.toFixed(3)} s`,
      predicted: verdict?.predicted ?? "—",
      ok: verdict === undefined ? undefined : verdict.message === undefined,
    });
  }
}

/**
 * A stream's end-to-end figure against its target. Nothing delivered: no figure, and the objective
 * missed — unless nothing was produced (no verdict).
 */
function endToEndRow(
  a: StreamAnalysis | undefined,
  target: number,
): { predicted: string; ok: boolean | undefined } {
  if (a === undefined) return { predicted: "—", ok: undefined };
  if (a.endToEndP99Ms !== undefined) return { predicted: ms(a.endToEndP99Ms), ok: a.endToEndP99Ms <= target };
  return endToEndMissing(a) === undefined
    ? { predicted: "nothing produced", ok: undefined }
    : { predicted: "nothing delivered", ok: false };
}

/** The diagram, whole or not at all (half a Mermaid block does not render), with why there is none. */
function diagramSection(diagram: TopologyDiagram): MarkdownSection {
  const section = { title: "Topology diagram", noun: "diagram", collapsed: true, whole: true };
  if (diagram.text === undefined) return { ...section, rows: [], empty: `_No diagram: ${diagram.why}_` };
  const note = diagram.note === undefined ? [] : [`_${diagram.note}_`, ""];
  return { ...section, rows: [[...note, "```mermaid", diagram.text.trimEnd(), "```"].join("\n")] };
}

/**
 * A PR comment: verdict, findings, SLOs (target vs predicted), cost, a Mermaid diagram of the
 * topology and the suppressed findings. Always under the limit ({@link fitMarkdown}): the sections
 * keep this order of importance, later ones lose rows first (the diagram whole or not at all), and
 * a line says what was cut. Linear in the findings.
 */
export function renderMarkdown(report: CheckReport, options: MarkdownOptions = {}): string {
  const analysis = report.analysis as Analysis | undefined;
  const { summary } = report;
  const failed = summary.errors > 0;
  const head = [
    `## ${failed ? "❌" : "✅"} topoplan ${options.command ?? "check"}: ${markdownCode(report.topology)} — ${failed ? "FAIL" : "PASS"}`,
    "",
    // No file to name: a spec that was never read (`solve --format markdown` without one).
    `${report.file === "" ? "" : `${markdownCode(report.file)} · `}${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}, ${summary.unknowns} unknown, ${summary.suppressed} suppressed`,
  ];
  const slo = options.model ? sloRows(options.model, analysis) : [];
  const cost = analysis?.cost;
  // Every component the total counts, services' pods too: the rows add up to the total.
  const priced = analysis
    ? [...analysis.datastores, ...analysis.services, ...analysis.streams].map((c) => ({
        path: c.path,
        usd: c.costUsdPerMonth ?? { replicas: 0, egress: 0 },
      }))
    : [];
  const sections: MarkdownSection[] = [
    {
      title: `Findings (${report.findings.length})`,
      noun: "finding",
      head: FINDINGS_HEAD,
      rows: report.findings.map((d) => findingRow(d)),
      empty: "No findings.",
    },
    {
      title: "SLOs: target vs predicted",
      noun: "SLO row",
      head: ["| Component | SLO | Target | Predicted | |", "|---|---|---|---|---|"],
      rows: slo.map(
        (r) =>
          `| ${markdownCode(r.component)} | ${r.slo} | ${r.target} | ${r.predicted} | ${r.ok === undefined ? "⚪" : r.ok ? "✅" : "❌"} |`,
      ),
    },
    ...(cost === undefined
      ? []
      : [
          {
            title: `Monthly cost: ${usd(cost.totalUsdPerMonth)} (estimate)`,
            noun: "cost row",
            head: ["| Component | Replicas / pods | Egress | Total |", "|---|---|---|---|"],
            rows: [
              ...priced.map((c) =>
                row([
                  markdownCode(c.path),
                  usd(c.usd.replicas),
                  usd(c.usd.egress),
                  usd(c.usd.replicas + c.usd.egress),
                ]),
              ),
              row([
                "**total**",
                usd(cost.replicasUsdPerMonth),
                usd(cost.egressUsdPerMonth),
                `**${usd(cost.totalUsdPerMonth)}**`,
              ]),
            ],
            collapsed: true,
          },
        ]),
    ...(options.model ? [diagramSection(topologyDiagram(options.model))] : []),
    {
      title: `Suppressed (${(report.suppressed ?? []).length})`,
      noun: "suppressed finding",
      head: ["| | Rule | Path | Finding | Reason |", "|---|---|---|---|---|"],
      rows: (report.suppressed ?? []).map((d) => findingRow(d, d.reason)),
      collapsed: true,
    },
  ];
  return fitMarkdown(
    {
      head,
      sections: options.findingsOnly === true ? sections.slice(0, 1) : sections,
      rest: "The SARIF and JSON reports (`topoplan check --format sarif|json`) have every finding.",
    },
    options.limit ?? GITHUB_COMMENT_LIMIT,
  );
}
