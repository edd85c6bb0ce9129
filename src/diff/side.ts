import { runCheck } from "../check.js";
import { compilePlan } from "../compile/index.js";
import type { LoadedTopology } from "../pipeline.js";
import type { DiffSide } from "./index.js";

/** One version of a topology, ready to diff: its analysis and findings (`check`) and compiled plan. */
export function diffSide(loaded: LoadedTopology): DiffSide {
  const report = runCheck(loaded);
  const analysis = report.analysis as DiffSide["analysis"];
  return {
    model: loaded.model,
    analysis,
    plan: compilePlan(loaded.model, analysis),
    findings: report.findings,
  };
}
