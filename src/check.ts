import { relative } from "node:path";
import { type PolicyRunOptions, runPolicies } from "../policies/run.js";
import { type Analysis, analyse } from "./analysis/index.js";
import { type Diagnostic, InputError, sortDiagnostics } from "./diagnostics/diagnostic.js";
import type { LoadedTopology } from "./pipeline.js";
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

/** Problems with the spec's `policies` block are in the spec: reports then give their lines. */
function inSpec<T>(loaded: LoadedTopology, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InputError && error.source === undefined)
      throw new InputError(error.diagnostics, loaded.spec);
    throw error;
  }
}
