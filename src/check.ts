import { relative } from "node:path";
import { type PolicyRunOptions, runPolicies } from "../policies/run.js";
import { type Analysis, analyse } from "./analysis/index.js";
import { type Diagnostic, sortDiagnostics } from "./diagnostics/diagnostic.js";
import { inSpec, type LoadedTopology } from "./pipeline.js";
import { type CheckReport, summarise } from "./report/types.js";

/**
 * `check` after a spec has loaded: validation warnings, the analysis, then the policies over both.
 * Pure: it reads only the loaded topology (the report's `file` is relative to the working directory).
 * `analysis` is the model's, when the caller has it already (`diff` makes its second side's from
 * the first's).
 */
export function runCheck(
  loaded: LoadedTopology,
  policy: PolicyRunOptions = {},
  analysis: Analysis = analyse(loaded.model),
): CheckReport {
  const { findings: ruled, suppressed } = inSpec(loaded, () => runPolicies(loaded.model, analysis, policy));
  const findings: Diagnostic[] = [...loaded.warnings, ...ruled];
  return {
    topology: loaded.model.name,
    file: relative(process.cwd(), loaded.spec.file),
    findings: sortDiagnostics(findings),
    summary: summarise(findings, suppressed.length),
    ...(suppressed.length > 0 ? { suppressed: sortDiagnostics(suppressed) } : {}),
    analysis,
  };
}
