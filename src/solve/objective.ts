import type { DatastoreAnalysis } from "../analysis/types.js";
import type { ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import { type Candidate, keyOf } from "./candidate.js";
import type { Violation } from "./constraints.js";

export type Objective = "cost" | "latency";

/** A candidate with its analysed figures and the constraints it breaks. */
export interface Scored {
  readonly candidate: Candidate;
  readonly analysis: DatastoreAnalysis;
  /** Replicas + egress, USD per month. */
  readonly costUsdPerMonth: number;
  /** Demand-weighted p99 of reads and writes, weighted by the read/write mix. */
  readonly latencyMs: number;
  readonly violations: readonly Violation[];
}

/**
 * The read/write mix that weights the latency objective: the declared traffic, else half and half.
 * Only operations with callers count (a store nobody reads weighs its writes alone).
 */
export function opWeights(ds: ResolvedDatastore): { read: number; write: number } {
  const reads = ds.traffic?.readsPerSec ?? 0;
  const writes = ds.traffic?.writesPerSec ?? 0;
  if (reads + writes === 0) return { read: 0.5, write: 0.5 };
  return { read: reads / (reads + writes), write: writes / (reads + writes) };
}

export function score(
  candidate: Candidate,
  analysis: DatastoreAnalysis,
  weights: { read: number; write: number },
  violations: readonly Violation[],
): Scored {
  return {
    candidate,
    analysis,
    costUsdPerMonth: analysis.costUsdPerMonth.replicas + analysis.costUsdPerMonth.egress,
    latencyMs: weights.read * analysis.read.weightedP99Ms + weights.write * analysis.write.weightedP99Ms,
    violations,
  };
}

// Cents and hundredths of a millisecond: below that, float noise would decide ties.
export const cents = (usd: number) => Math.round(usd * 100);
export const hundredths = (ms: number) => Math.round(ms * 100);

/**
 * Objective first, then the other figure (cents, hundredths of a ms): 0 for placements that are
 * equally good, whatever their regions.
 */
export function figureComparator(objective: Objective): (a: Scored, b: Scored) => number {
  const byCost = (a: Scored, b: Scored) => cents(a.costUsdPerMonth) - cents(b.costUsdPerMonth);
  const byLatency = (a: Scored, b: Scored) => hundredths(a.latencyMs) - hundredths(b.latencyMs);
  const [first, second] = objective === "cost" ? [byCost, byLatency] : [byLatency, byCost];
  return (a, b) => first(a, b) || second(a, b);
}

/**
 * The figures, then `prefer` (lower first: what to keep among placements equally good by the
 * figures), then the placement's key: a total, deterministic order.
 */
export function comparator(
  objective: Objective,
  prefer?: (candidate: Scored["candidate"]) => number,
): (a: Scored, b: Scored) => number {
  const byFigures = figureComparator(objective);
  const byPreference = (a: Scored, b: Scored) =>
    prefer === undefined ? 0 : prefer(a.candidate) - prefer(b.candidate);
  return (a, b) => byFigures(a, b) || byPreference(a, b) || byText(keyOf(a.candidate), keyOf(b.candidate));
}

/** The objective's own figure (what a gap is measured on). */
export const primary = (objective: Objective, s: Pick<Scored, "costUsdPerMonth" | "latencyMs">): number =>
  objective === "cost" ? s.costUsdPerMonth : s.latencyMs;
