import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { stableJsonText } from "./numbers.js";
import type { CheckReport } from "./types.js";

/**
 * A finding as every JSON report writes it: `ruleId` (the diagnostic code) as DESIGN.md specifies,
 * and its status — in `check`'s findings and suppressed findings and in `diff`'s alike, so one
 * `jq .ruleId` reads them all.
 */
export const jsonFinding = ({ code, status, ...rest }: Diagnostic) => ({
  ruleId: code,
  status: status ?? "fail",
  ...rest,
});

/** JSON report: the check report with its findings (and suppressed ones) as {@link jsonFinding}. */
export function renderJson(report: CheckReport): string {
  return stableJsonText({
    ...report,
    findings: report.findings.map(jsonFinding),
    ...(report.suppressed === undefined ? {} : { suppressed: report.suppressed.map(jsonFinding) }),
  });
}
