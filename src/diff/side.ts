import type { PolicyRunOptions } from "../../policies/run.js";
import { type Analysis, analyse, analyseEdited } from "../analysis/index.js";
import { runCheck } from "../check.js";
import type { CompileOptions } from "../compile/index.js";
import type { LoadedTopology } from "../pipeline.js";
import type { DiffSide } from "./index.js";

/**
 * The analysis of one version: given the side before the edit, it keeps that side's results for
 * every service the edit cannot change (src/analysis/edit-reuse.ts); it equals the analysis made
 * from scratch.
 */
export function sideAnalysis(loaded: LoadedTopology, before?: DiffSide): Analysis {
  return before === undefined ? analyse(loaded.model) : analyseEdited(loaded.model, before);
}

export interface SideOptions {
  /** The side before the edit (see {@link sideAnalysis}). */
  readonly before?: DiffSide;
  /** The analysis, when the caller made it (`diff --rules` runs the users' rules on it first). */
  readonly analysis?: Analysis;
  /** What `check` gets: a policy configuration file, users' rules. */
  readonly policy?: PolicyRunOptions;
  /** What its plan is compiled with (a stack's settings). @default {} */
  readonly compile?: CompileOptions;
}

/**
 * One version of a topology, ready to diff: its analysis and findings (`check`); its plan is
 * compiled by `diffTopologies`, for what the other version does not share (compared-plans.ts).
 */
export function diffSide(loaded: LoadedTopology, options: SideOptions = {}): DiffSide {
  const analysis = options.analysis ?? sideAnalysis(loaded, options.before);
  const report = runCheck(loaded, options.policy ?? {}, analysis);
  return {
    model: loaded.model,
    analysis,
    findings: report.findings,
    suppressed: report.suppressed ?? [],
    planFromModel: true,
    ...(options.compile === undefined ? {} : { options: options.compile }),
  };
}
