import { type Analysis, analyse, analyseEdited } from "../analysis/index.js";
import { runCheck } from "../check.js";
import { compilePlan } from "../compile/index.js";
import type { LoadedTopology } from "../pipeline.js";
import type { DiffSide } from "./index.js";

/**
 * One version of a topology, ready to diff: its analysis and findings (`check`) and compiled plan.
 * Given the side before the edit, the analysis keeps that side's results for every service the
 * edit cannot change (src/analysis/edit-reuse.ts); it equals the analysis made from scratch.
 */
export function diffSide(loaded: LoadedTopology, before?: DiffSide): DiffSide {
  const analysis: Analysis =
    before === undefined ? analyse(loaded.model) : analyseEdited(loaded.model, before);
  const report = runCheck(loaded, {}, analysis);
  return {
    model: loaded.model,
    analysis,
    plan: compilePlan(loaded.model, analysis),
    findings: report.findings,
  };
}
