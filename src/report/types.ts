import type { Diagnostic } from "../diagnostics/diagnostic.js";

export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly unknowns: number;
  readonly suppressed: number;
}

/** The stable JSON report of `topoplan check` (DESIGN.md, "JSON report"). */
export interface CheckReport {
  readonly topology: string;
  /** The spec file, relative to the working directory. */
  readonly file: string;
  readonly findings: readonly Diagnostic[];
  readonly summary: ReportSummary;
  /** Findings silenced by `policies.suppress`, each with its written reason (counted in summary.suppressed). */
  readonly suppressed?: readonly (Diagnostic & { readonly reason: string })[];
  /** Analysis figures, when the analysis ran. */
  readonly analysis?: unknown;
}

export function summarise(findings: readonly Diagnostic[], suppressed = 0): ReportSummary {
  const failing = findings.filter((f) => (f.status ?? "fail") === "fail");
  return {
    errors: failing.filter((f) => f.severity === "error").length,
    warnings: failing.filter((f) => f.severity === "warning").length,
    infos: failing.filter((f) => f.severity === "info").length,
    unknowns: findings.filter((f) => f.status === "unknown").length,
    suppressed,
  };
}
