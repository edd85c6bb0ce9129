import { formatDiagnostics, paint, type TextStyle } from "../diagnostics/format-text.js";
import { visibleLine } from "./escape.js";
import type { CheckReport } from "./types.js";

/** Terminal report: findings grouped by severity, then a one-line verdict. */
export function renderText(report: CheckReport, style: TextStyle): string {
  const { summary } = report;
  const lines = [
    `${paint(report.topology, "bold", style)}  ${paint(visibleLine(report.file), "dim", style)}`,
  ];
  if (report.findings.length > 0) lines.push("", formatDiagnostics(report.findings, style));
  const verdict = summary.errors > 0 ? paint("FAIL", "red", style) : paint("PASS", "cyan", style);
  const counts = [
    `${summary.errors} error${summary.errors === 1 ? "" : "s"}`,
    `${summary.warnings} warning${summary.warnings === 1 ? "" : "s"}`,
    `${summary.unknowns} unknown`,
    ...(summary.suppressed > 0 ? [`${summary.suppressed} suppressed`] : []),
  ];
  lines.push("", `${verdict}  ${counts.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
