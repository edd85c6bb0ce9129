import { type Candidate, candidate } from "./candidate.js";
import { cents, comparator, hundredths, type Objective, primary, type Scored } from "./objective.js";
import { enumeratePlacements, leaderOptions, type Space } from "./space.js";

/** Figures a candidate cannot beat, known before evaluating it. */
export interface Bound {
  readonly costUsdPerMonth: number;
  readonly latencyMs: number;
}

export interface SearchOptions {
  readonly objective: Objective;
  /**
   * Most candidates evaluated once an acceptable one is known; when it stops the search, the
   * result is a heuristic one.
   */
  readonly limit: number;
  /** Acceptable candidates kept, best first (the full check walks them in order). */
  readonly keep: number;
  /** Stop once this many acceptable candidates are known and no unevaluated one can beat the last. */
  readonly need: number;
  /** Constraint ids a candidate may break and still be kept (relaxation searches). @default none */
  readonly tolerate?: ReadonlySet<string>;
  /** Only candidates that may beat this one (by their bound) are kept: "is there a better one?" */
  readonly ceiling?: Pick<Scored, "costUsdPerMonth" | "latencyMs">;
  /** Evaluate every candidate (no bound cut-off), to find the nearest miss of each constraint. */
  readonly exhaustive?: boolean;
  readonly bound: (counts: readonly number[], leader: number) => Bound;
  /** A bound no candidate of the whole space beats (for the heuristic's gap). */
  readonly globalBound: Bound;
  /** Most (placement, leader) pairs held in memory; a larger space is searched by the heuristic. */
  readonly maxPairs: number;
  /** How badly a candidate misses a constraint (lower is nearer), for the smallest relaxation. */
  readonly miss: (constraintId: string, scored: Scored) => number;
  /** How badly a candidate misses all it breaks together (for a joint relaxation). */
  readonly missAll: (scored: Scored) => number;
}

export interface SearchResult {
  /** exact: every candidate that could be among the best was evaluated; heuristic: the limit stopped it. */
  readonly mode: "exact" | "heuristic";
  /** Count vectors that survived pruning. */
  readonly placements: number;
  /** (placement, leader) pairs among them (heuristic: those enumerated before the cut). */
  readonly candidates: number;
  readonly evaluated: number;
  /** Acceptable candidates (meeting every constraint not tolerated), best first; at most `keep`. */
  readonly feasible: readonly Scored[];
  /** Per constraint id: the candidate breaking that constraint alone by the least (`miss`). */
  readonly nearest: ReadonlyMap<string, Scored>;
  /** The candidate that misses what it breaks by the least (`missAll`). */
  readonly nearestOverall?: Scored;
  /** Heuristic only: a bound on the objective no candidate beats, and the best found's gap to it. */
  readonly gap?: { readonly lowerBound: number; readonly found: number; readonly ratio: number };
}

interface Pair {
  readonly counts: readonly number[];
  readonly leader: number;
}

/**
 * Branch and bound over the candidates of a space. Every (placement, leader) pair that survived
 * pruning gets a bound (cost and latency it cannot beat); pairs are evaluated in bound order and
 * the search stops when the next bound cannot beat the `need`-th best acceptable candidate — every
 * pair after it is no better, so the result is exact. When `limit` evaluations come first, a local
 * search (move one replica, or the leader) continues from the best found, and the result reports
 * its gap to the bound: a heuristic. So does a space with more than `maxPairs` candidates: only the
 * first `maxPairs` in enumeration order are ranked.
 */
export function searchSpace(
  space: Space,
  evaluate: (candidate: Candidate) => Scored,
  options: SearchOptions,
): SearchResult {
  // A space too large to hold is cut at `maxPairs` candidates in enumeration order (regions
  // nearest to the demand first, most replicas first); the local search below may then move
  // replicas anywhere.
  // Bounds rounded as the comparator rounds, so "cannot beat" agrees with the final order.
  const tuple = (b: Bound) =>
    options.objective === "cost"
      ? [cents(b.costUsdPerMonth), hundredths(b.latencyMs)]
      : [hundredths(b.latencyMs), cents(b.costUsdPerMonth)];
  const before = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!;
  const ceiling = options.ceiling === undefined ? undefined : tuple(options.ceiling);
  const pairs: Pair[] = [];
  const bounds: Bound[] = [];
  let placements = 0;
  const complete = enumeratePlacements(space, (counts) => {
    placements++;
    const copy = [...counts];
    for (const leader of space.leaderBased ? leaderOptions(space, copy) : [-1]) {
      const bound = options.bound(copy, leader);
      if (ceiling !== undefined && before(tuple(bound), ceiling) >= 0) continue;
      pairs.push({ counts: copy, leader });
      bounds.push(bound);
    }
    // Visited placements count too: with a ceiling most are dropped, and the space may be vast.
    return pairs.length >= options.maxPairs || placements >= options.maxPairs;
  });
  const restricted = !complete;

  const compare = comparator(options.objective);
  const tolerate = options.tolerate ?? new Set<string>();
  let feasible: Scored[] = [];
  let cutoff: number[] | undefined;
  let grew = false;
  const nearest = new Map<string, Scored>();
  let nearestOverall: Scored | undefined;
  const seen = new Set<string>();
  const toCandidate = (pair: Pair) =>
    candidate(
      Object.fromEntries(pair.counts.flatMap((c, i) => (c > 0 ? [[space.regions[i]!, c]] : []))),
      pair.leader < 0 ? "" : space.regions[pair.leader]!,
    );
  const run = (pair: Pair): Scored | undefined => {
    const key = `${pair.counts.join(",")}@${pair.leader}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const scored = evaluate(toCandidate(pair));
    if (scored.violations.every((v) => tolerate.has(v.constraint.id))) {
      feasible.push(scored);
      grew = true;
      if (feasible.length > 2 * options.keep) feasible = feasible.sort(compare).slice(0, options.keep);
    }
    if (
      scored.violations.length > 0 &&
      (nearestOverall === undefined || options.missAll(scored) < options.missAll(nearestOverall))
    )
      nearestOverall = scored;
    if (scored.violations.length === 1) {
      const id = scored.violations[0]!.constraint.id;
      const near = nearest.get(id);
      if (near === undefined || options.miss(id, scored) < options.miss(id, near)) nearest.set(id, scored);
    }
    return scored;
  };

  const keys = bounds.map(tuple);
  const order = pairs.map((_, i) => i).sort((a, b) => before(keys[a]!, keys[b]!) || a - b);

  let stoppedByLimit = false;
  for (const i of order) {
    if (!options.exhaustive && feasible.length >= options.need) {
      if (grew) {
        feasible.sort(compare);
        cutoff = tuple(feasible[options.need - 1]!);
        grew = false;
      }
      if (before(keys[i]!, cutoff!) > 0) break;
    }
    // The limit bounds the work once there is an answer; without one the search goes on.
    if (seen.size >= options.limit && feasible.length > 0) {
      stoppedByLimit = true;
      break;
    }
    run(pairs[i]!);
  }

  let gap: SearchResult["gap"];
  const heuristic = stoppedByLimit || restricted;
  if (heuristic) {
    localSearch(space, run, () => [...feasible].sort(compare)[0], options.limit);
    const best = [...feasible].sort(compare)[0];
    if (best !== undefined) {
      const lowerBound = restricted
        ? primary(options.objective, options.globalBound)
        : Math.min(...bounds.map((b) => primary(options.objective, b)));
      const found = primary(options.objective, best);
      gap = { lowerBound, found, ratio: found === 0 ? 0 : (found - lowerBound) / found };
    }
  }
  return {
    mode: heuristic ? "heuristic" : "exact",
    placements,
    candidates: pairs.length,
    evaluated: seen.size,
    feasible: feasible.sort(compare).slice(0, options.keep),
    nearest,
    ...(nearestOverall === undefined ? {} : { nearestOverall }),
    ...(gap === undefined ? {} : { gap }),
  };
}

/**
 * Hill climbing from the best acceptable candidate: move one replica between regions (within the
 * caps) or move the leader; repeat from the new best while one improves, for at most `budget`
 * more evaluations.
 */
function localSearch(
  space: Space,
  run: (pair: Pair) => Scored | undefined,
  best: () => Scored | undefined,
  budget: number,
): void {
  const index = new Map(space.regions.map((r, i) => [r, i]));
  let spent = 0;
  for (;;) {
    const start = best();
    if (start === undefined || spent >= budget) return;
    const counts = space.regions.map((r) => start.candidate.placement[r] ?? 0);
    const leader = space.leaderBased ? (index.get(start.candidate.leader) ?? -1) : -1;
    const neighbours: Pair[] = [];
    counts.forEach((c, from) => {
      if (c === 0) return;
      counts.forEach((d, to) => {
        if (to === from || d >= space.caps[to]!) return;
        const next = [...counts];
        next[from]!--;
        next[to]!++;
        neighbours.push({ counts: next, leader: leader === from && next[from] === 0 ? to : leader });
      });
      if (space.leaderBased && from !== leader) neighbours.push({ counts, leader: from });
    });
    for (const pair of neighbours) {
      if (run(pair) !== undefined) spent++;
      if (spent >= budget) break;
    }
    if (best() === start) return;
  }
}
