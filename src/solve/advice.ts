import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Verdict } from "./check.js";
import { type Constraint, isBreachOf } from "./constraints.js";
import type { Scored } from "./objective.js";

/**
 * Relaxed placements full-checked for one piece of advice (a binding constraint, a relaxation)
 * before it is given up. A relaxed search only knows the store's own constraints, so its first
 * placement may break another component (its flows fill a link another store replicates over);
 * the next few usually do not. Four is the default `top` + 1, the most placements the main loop
 * wants to accept; not `top` itself, so that `--top 0` still looks past the first. Each costs a full
 * check, as many as one chosen placement's.
 */
export const ADVICE_CHECKS = 4;

export type Held =
  | { readonly holds: Scored }
  | { readonly first: Scored; readonly broken: readonly Diagnostic[] };

/**
 * The first of `candidates` (at most ADVICE_CHECKS of them) whose full check adds nothing but the
 * relaxed constraints themselves (each as its rule reports it, at its own path); else the first
 * and what it breaks. Undefined when there are none. `clean`: the chosen placement clears every
 * finding in reach, so advice that leaves a caller failing as the current placement does not hold.
 */
export function firstHolding(
  candidates: readonly Scored[],
  relaxed: readonly Constraint[],
  verdict: (s: Scored, excused: (f: Diagnostic) => boolean) => Verdict,
  clean: boolean,
): Held | undefined {
  const own = (f: Diagnostic) => relaxed.some((c) => isBreachOf(c, f));
  let first: Held | undefined;
  for (const s of candidates.slice(0, ADVICE_CHECKS)) {
    const { added, standing } = verdict(s, own);
    const broken = [...added, ...(clean ? standing : [])];
    if (broken.length === 0) return { holds: s };
    first ??= { first: s, broken };
  }
  return first;
}

/** "replication-lag-slo at datastores.b.slo.replicationLagMs (and 2 more)". */
export function brokenText(broken: readonly Diagnostic[]): string {
  const [head] = broken;
  if (head === undefined) return "nothing";
  return `${head.code} at ${head.path}${broken.length > 1 ? ` (and ${broken.length - 1} more)` : ""}`;
}
