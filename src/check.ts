import { relative } from "node:path";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { compareDiagnostics } from "./diagnostics/diagnostic.js";
import type { LoadedTopology } from "./pipeline.js";
import { type CheckReport, summarise } from "./report/types.js";

/**
 * `check` after a spec has loaded: validation warnings, then analysis and policies as they land.
 * Pure but for nothing: it reads only the loaded topology.
 */
export function runCheck(loaded: LoadedTopology): CheckReport {
  const findings: Diagnostic[] = [...loaded.warnings];
  return {
    topology: loaded.model.name,
    file: relative(process.cwd(), loaded.spec.file),
    findings: findings.sort(compareDiagnostics),
    summary: summarise(findings),
  };
}
