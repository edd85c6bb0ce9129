/**
 * The write latency a datastore experiment predicts, appended to its expected outcome: baseline →
 * under the isolated zone (a region's isolation gets the baseline alone: see below). Whether
 * writes continue at all is datastore-outcome.ts's verdict (which knows when a primary is not
 * replaced); the latency only prices the writes that continue.
 */
import { analysisIndex } from "../../analysis/analysis-index.js";
import type { Analysis, Failure } from "../../analysis/types.js";
import { writeLatencyUnder } from "../../analysis/whatif.js";
import type { Model, ResolvedDatastore } from "../../model/types.js";

/**
 * Only the datastore itself is evaluated per failure (not the whole topology), so compiling every
 * component's experiments stays linear in their number.
 */
export function latencyPredictor(model: Model, baseline: Analysis | undefined) {
  const writeUnder = writeLatencyUnder(model, baseline?.links);
  return (store: ResolvedDatastore, failure: Failure, writesContinue: boolean): string => {
    const before =
      baseline === undefined
        ? writeUnder(store.name, [])
        : analysisIndex(baseline).datastore(store.name)?.write;
    // No origin declares demand (no `users`): there is no latency to quote.
    if (before === undefined || before.byOrigin.length === 0) return "";
    if (!writesContinue) return ` (baseline p99 write ${ms(before.worstP99Ms)} ms)`;
    // The analysis would take the whole region down, its clients with it; the experiment cuts only
    // the store's members there from its other regions' members, and who still reaches whom then
    // depends on the engine's routing. No figure rather than the wrong one.
    if (failure.kind === "region")
      return ` (baseline p99 write ${ms(before.worstP99Ms)} ms; no figure under the partition: the analysis models a region's loss, and this cuts only the store's members there from its other regions)`;
    const after = writeUnder(store.name, [failure]);
    if (after === undefined) return "";
    const unavailable = after.byOrigin.every((o) => o.unavailable === true);
    return unavailable
      ? `; writes unavailable (baseline p99 write ${ms(before.worstP99Ms)} ms)`
      : `; p99 write ${ms(before.worstP99Ms)} ms → ${ms(after.worstP99Ms)} ms`;
  };
}

function ms(value: number): string {
  return String(Math.round(value * 10) / 10);
}
