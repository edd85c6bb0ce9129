import type { Analysis, LatencyProfile } from "../analysis/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/types.js";
import { markdownCode, markdownText } from "./escape.js";
import { renderMermaid } from "./mermaid.js";
import type { CheckReport } from "./types.js";

/** GitHub rejects issue and PR comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  readonly model?: Model;
  /** @default GITHUB_COMMENT_LIMIT minus room for a marker and a header the CI adds */
  readonly limit?: number;
}

const ICON: Readonly<Record<string, string>> = { error: "🔴 error", warning: "🟡 warning", info: "🔵 info" };

function findingRow(d: Diagnostic, reason?: string): string {
  const label = d.status === "unknown" ? "⚪ unknown" : (ICON[d.severity] ?? d.severity);
  const where = d.location ? ` (line ${d.location.line})` : "";
  const last = reason === undefined ? (d.fix ?? "") : reason;
  return `| ${label} | ${markdownCode(d.code)} | ${markdownCode(d.path)}${where} | ${markdownText(d.message)} | ${markdownText(last)} |`;
}

const FINDINGS_HEAD = ["| | Rule | Path | Finding | Fix |", "|---|---|---|---|---|"];

const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;
const pct = (value: number) => `${String(Number((value * 100).toFixed(4)))}%`;

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
      target: pct(target),
      predicted: predicted === undefined ? "—" : pct(predicted),
      ok: predicted === undefined ? undefined : predicted >= target,
    });
  };
  for (const store of model.datastores) {
    const a = analysis?.datastores.find((d) => d.name === store.name);
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
  }
  for (const service of model.services) {
    const a = analysis?.services.find((s) => s.name === service.name);
    availability(service.path, service.slo.availability, a?.availability);
    latency(service.path, "p99", service.slo.latencyP99Ms, a?.latency);
  }
  for (const stream of model.streams) {
    const a = analysis?.streams.find((s) => s.name === stream.name);
    availability(stream.path, stream.slo.availability, a?.availability);
    if (stream.slo.endToEndP99Ms !== undefined) {
      rows.push({
        component: stream.path,
        slo: "end-to-end p99",
        target: ms(stream.slo.endToEndP99Ms),
        predicted: a === undefined ? "—" : ms(a.endToEndP99Ms),
        ok: a === undefined ? undefined : a.endToEndP99Ms <= stream.slo.endToEndP99Ms,
      });
    }
  }
  return rows;
}

/**
 * A PR comment: verdict, findings, SLOs (target vs predicted), a Mermaid diagram of the topology and
 * the suppressed findings. Kept under GitHub's comment limit: first the details are collapsed and the
 * diagram dropped, then findings are cut with a note saying how many were left out.
 */
export function renderMarkdown(report: CheckReport, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT - 1_536;
  const analysis = report.analysis as Analysis | undefined;
  const { summary } = report;
  const failed = summary.errors > 0;
  const head = [
    `## ${failed ? "❌" : "✅"} topoplan check: ${markdownCode(report.topology)} — ${failed ? "FAIL" : "PASS"}`,
    "",
    `${markdownCode(report.file)} · ${summary.errors} error${summary.errors === 1 ? "" : "s"}, ${summary.warnings} warning${summary.warnings === 1 ? "" : "s"}, ${summary.unknowns} unknown, ${summary.suppressed} suppressed`,
    "",
  ];
  const findings = report.findings.map((d) => findingRow(d));
  const slo = options.model ? sloRows(options.model, analysis) : [];
  const sloTable =
    slo.length === 0
      ? []
      : [
          "| Component | SLO | Target | Predicted | |",
          "|---|---|---|---|---|",
          ...slo.map(
            (r) =>
              `| ${markdownCode(r.component)} | ${r.slo} | ${r.target} | ${r.predicted} | ${r.ok === undefined ? "⚪" : r.ok ? "✅" : "❌"} |`,
          ),
        ];
  const suppressed = (report.suppressed ?? []).map((d) => findingRow(d, d.reason));
  const diagram = options.model ? ["```mermaid", renderMermaid(options.model).trimEnd(), "```"] : [];

  const compose = (collapse: boolean, shownFindings: number, withDiagram: boolean): string => {
    const out = [...head];
    const section = (title: string, body: string[], open: boolean) => {
      if (body.length === 0) return;
      if (open) out.push(`### ${title}`, "", ...body, "");
      else out.push(`<details><summary>${title}</summary>`, "", ...body, "", "</details>", "");
    };
    const rows = findings.slice(0, shownFindings);
    const cut = findings.length - rows.length;
    if (findings.length === 0) out.push("No findings.", "");
    else
      section(
        `Findings (${findings.length})`,
        [
          ...FINDINGS_HEAD,
          ...rows,
          ...(cut > 0
            ? [
                "",
                `_… ${cut} more finding${cut === 1 ? "" : "s"} not shown to fit GitHub's comment limit; see the SARIF or JSON report._`,
              ]
            : []),
        ],
        !collapse,
      );
    section("SLOs: target vs predicted", sloTable, !collapse);
    if (withDiagram) section("Topology diagram", diagram, false);
    section(
      `Suppressed (${suppressed.length})`,
      suppressed.length
        ? ["| | Rule | Path | Finding | Reason |", "|---|---|---|---|---|", ...suppressed]
        : [],
      false,
    );
    return `${out.join("\n").trimEnd()}\n`;
  };

  let text = compose(false, findings.length, true);
  if (text.length <= limit) return text;
  text = compose(true, findings.length, true);
  if (text.length <= limit) return text;
  text = compose(true, findings.length, false);
  if (text.length <= limit) return text;
  // Binary search for the most findings that fit.
  let low = 0;
  let high = findings.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (compose(true, mid, false).length <= limit) low = mid;
    else high = mid - 1;
  }
  return compose(true, low, false);
}
