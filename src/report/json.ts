import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { stableJsonText } from "./numbers.js";
import type { CheckReport } from "./types.js";

/** JSON report: findings carry `ruleId` (the diagnostic code) as DESIGN.md specifies. */
export function renderJson(report: CheckReport): string {
  const findings = report.findings.map(({ code, status, ...rest }: Diagnostic) => ({
    ruleId: code,
    status: status ?? "fail",
    ...rest,
  }));
  return stableJsonText({ ...report, findings });
}
