import { type Candidate, candidate, entryOf, ROLES, rolesAt } from "./candidate.js";
import { cents, comparator, hundredths, type Objective, primary, type Scored } from "./objective.js";
import {
  enumerateLayouts,
  keepsRequiredVoters,
  type Layout,
  leaderOptions,
  leaderRegionsOk,
  type Space,
  totalAt,
  withinCaps,
} from "./space.js";

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
  /** Nearest misses kept per constraint (and overall), nearest first. @default 1 */
  readonly nearestKeep?: number;
  readonly bound: (shape: number, layout: Layout, leader: number) => Bound;
  /** A bound no candidate of one shape (replica count and role mix) beats. */
  readonly shapeBound: (shape: number) => Bound;
  /** A bound no candidate of the whole space beats (for the heuristic's gap). */
  readonly globalBound: Bound;
  /** Most (placement, leader) pairs held in memory; a larger space is searched by the heuristic. */
  readonly maxPairs: number;
  /** How badly a candidate misses a constraint (lower is nearer), for the smallest relaxation. */
  readonly miss: (constraintId: string, scored: Scored) => number;
  /** How badly a candidate misses all it breaks together (for a joint relaxation). */
  readonly missAll: (scored: Scored) => number;
  /** Among placements equal by the figures, lower first (objective.ts `comparator`). @default none */
  readonly prefer?: (candidate: Candidate) => number;
}

export interface SearchResult {
  /** exact: every candidate that could be among the best was evaluated; heuristic: the limit stopped it. */
  readonly mode: "exact" | "heuristic";
  /** Layouts (replicas per region by role) that survived pruning. */
  readonly placements: number;
  /** (placement, leader) pairs among them (heuristic: those enumerated before the cut). */
  readonly candidates: number;
  readonly evaluated: number;
  /** Acceptable candidates (meeting every constraint not tolerated), best first; at most `keep`. */
  readonly feasible: readonly Scored[];
  /**
   * Per constraint id: the candidates breaking that constraint alone by the least (`miss`), nearest
   * first, at most `nearestKeep`.
   */
  readonly nearest: ReadonlyMap<string, readonly Scored[]>;
  /** The candidates that miss what they break by the least (`missAll`), nearest first. */
  readonly nearestOverall: readonly Scored[];
  /** Heuristic only: a bound on the objective no candidate beats, and the best found's gap to it. */
  readonly gap?: { readonly lowerBound: number; readonly found: number; readonly ratio: number };
}

interface Pair {
  readonly shape: number;
  readonly layout: Layout;
  readonly leader: number;
}

const copyLayout = (l: Layout): Layout => ({
  voters: [...l.voters],
  readOnly: [...l.readOnly],
  witnesses: [...l.witnesses],
});
const layoutKey = (l: Layout, leader: number) =>
  `${l.voters.join(",")}/${l.readOnly.join(",")}/${l.witnesses.join(",")}@${leader}`;

/**
 * Branch and bound over the candidates of a space. Every (placement, leader) pair that survived
 * pruning gets a bound (cost and latency it cannot beat); pairs are evaluated in bound order and
 * the search stops when the next bound cannot beat the `need`-th best acceptable candidate — every
 * pair after it is no better, so the result is exact. When `limit` evaluations come first, a local
 * search (move one replica, or the leader) continues from the best found, and the result reports
 * its gap to the bound: a heuristic. So does a space with more than `maxPairs` candidates: only the
 * first ones of each shape (replica count and role mix) in enumeration order are ranked.
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
  const leaderOk = leaderRegionsOk(space);
  const compare = comparator(options.objective, options.prefer);
  const tolerate = options.tolerate ?? new Set<string>();
  let feasible: Scored[] = [];
  let cutoff: number[] | undefined;
  let grew = false;
  const nearest = new Map<string, Scored[]>();
  const nearestOverall: Scored[] = [];
  const nearestKeep = options.nearestKeep ?? 1;
  const seen = new Set<string>();
  const toCandidate = (pair: Pair) => {
    const l = pair.layout;
    return candidate(
      Object.fromEntries(
        space.regions.flatMap((region, i) =>
          totalAt(l, i) > 0
            ? [
                [
                  region,
                  entryOf({ voters: l.voters[i]!, readOnly: l.readOnly[i]!, witnesses: l.witnesses[i]! }),
                ],
              ]
            : [],
        ),
      ),
      pair.leader < 0 ? "" : space.regions[pair.leader]!,
    );
  };
  const run = (pair: Pair): Scored | undefined => {
    const key = layoutKey(pair.layout, pair.leader);
    if (seen.has(key)) return undefined;
    seen.add(key);
    const scored = evaluate(toCandidate(pair));
    if (scored.violations.every((v) => tolerate.has(v.constraint.id))) {
      feasible.push(scored);
      grew = true;
      if (feasible.length > 2 * options.keep) feasible = feasible.sort(compare).slice(0, options.keep);
    }
    if (scored.violations.length > 0) keepNearest(nearestOverall, scored, options.missAll, nearestKeep);
    if (scored.violations.length === 1) {
      const id = scored.violations[0]!.constraint.id;
      const near = nearest.get(id) ?? [];
      nearest.set(id, near);
      keepNearest(near, scored, (s) => options.miss(id, s), nearestKeep);
    }
    return scored;
  };

  // Shapes in the order of what their cheapest candidate may reach (cost: the replicas alone), so
  // the search can stop before enumerating shapes that cannot beat what is already found.
  const shapeKeys = space.shapes.map((_, s) => tuple(options.shapeBound(s)));
  const shapeOrder = space.shapes
    .map((_, s) => s)
    .sort((a, b) => before(shapeKeys[a]!, shapeKeys[b]!) || a - b);
  const heap = new PairHeap(before);
  let placements = 0;
  let candidates = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let complete = true;
  let spent = 0;
  let stoppedByLimit = false;
  let stopped = false;
  // "No candidate with a key after this one can be among the best": the exact stopping rule.
  const beyond = (key: number[]) => {
    if (options.exhaustive || feasible.length < options.need) return false;
    if (grew) {
      feasible.sort(compare);
      cutoff = tuple(feasible[options.need - 1]!);
      grew = false;
    }
    return before(key, cutoff!) > 0;
  };
  // Evaluates held pairs in bound order while their bound is at most `upTo` (later shapes bound
  // no lower than that, so the global bound order is kept).
  const drain = (upTo: number[] | undefined) => {
    while (!stopped && heap.size > 0) {
      const top = heap.peek()!;
      if (upTo !== undefined && before(top.key, upTo) > 0) return;
      if (beyond(top.key)) {
        stopped = true;
        return;
      }
      // The limit bounds the work once there is an answer; without one the search goes on.
      if (seen.size >= options.limit && feasible.length > 0) {
        stoppedByLimit = true;
        stopped = true;
        return;
      }
      heap.pop();
      run(top.pair);
    }
  };

  for (const [rank, s] of shapeOrder.entries()) {
    drain(shapeKeys[s]);
    if (stopped || beyond(shapeKeys[s]!)) {
      stopped = true;
      break;
    }
    if (ceiling !== undefined && before(shapeKeys[s]!, ceiling) >= 0) continue;
    // Each shape gets an equal share of what is left of `maxPairs`, so one large shape cannot
    // crowd out the others when the space is cut (a small one leaves its share to the rest).
    const share = Math.max(1, Math.ceil((options.maxPairs - spent) / (shapeOrder.length - rank)));
    let held = 0;
    let visited = 0;
    const whole = enumerateLayouts(space, space.shapes[s]!, (layout) => {
      placements++;
      visited++;
      const copy = copyLayout(layout);
      for (const leader of space.leaderBased ? leaderOptions(space, copy, leaderOk) : [-1]) {
        const bound = options.bound(s, copy, leader);
        const key = tuple(bound);
        if (ceiling !== undefined && before(key, ceiling) >= 0) continue;
        heap.push({ key, order: candidates++, pair: { shape: s, layout: copy, leader } });
        lowest = Math.min(lowest, primary(options.objective, bound));
        held++;
      }
      // Visited layouts count too: with a ceiling most are dropped, and the space may be vast.
      return held >= share || visited >= share;
    });
    if (!whole) complete = false;
    spent += Math.max(held, visited);
  }
  drain(undefined);
  const restricted = !complete;

  let gap: SearchResult["gap"];
  const heuristic = stoppedByLimit || restricted;
  if (heuristic) {
    // Not for "is there a better one?" (a ceiling): that is advice, and the climb would cost more
    // than the question.
    if (ceiling === undefined) localSearch(space, run, () => [...feasible].sort(compare)[0], options.limit);
    const best = [...feasible].sort(compare)[0];
    if (best !== undefined) {
      const lowerBound = restricted ? primary(options.objective, options.globalBound) : lowest;
      const found = primary(options.objective, best);
      gap = { lowerBound, found, ratio: found === 0 ? 0 : (found - lowerBound) / found };
    }
  }
  return {
    mode: heuristic ? "heuristic" : "exact",
    placements,
    candidates,
    evaluated: seen.size,
    feasible: feasible.sort(compare).slice(0, options.keep),
    nearest,
    nearestOverall,
    ...(gap === undefined ? {} : { gap }),
  };
}

/**
 * Inserts `scored` into `list` (nearest first by `miss`) after the equally near ones, so the first
 * evaluated stays first, and drops what lies beyond `keep`.
 */
function keepNearest(list: Scored[], scored: Scored, miss: (s: Scored) => number, keep: number): void {
  const m = miss(scored);
  let at = list.length;
  while (at > 0 && m < miss(list[at - 1]!)) at--;
  if (at >= keep) return;
  list.splice(at, 0, scored);
  if (list.length > keep) list.pop();
}

/**
 * Hill climbing from the best acceptable candidate: move one replica between regions, change one
 * replica's role, add or remove one replica (to another shape of the space), or move the leader —
 * every move kept within the shape's caps; repeat from the new best while one improves, for at
 * most `budget` more evaluations.
 */
function localSearch(
  space: Space,
  run: (pair: Pair) => Scored | undefined,
  best: () => Scored | undefined,
  budget: number,
): void {
  const index = new Map(space.regions.map((r, i) => [r, i]));
  const shapeOf = new Map(
    space.shapes.map((s, i) => [`${s.roles.voters},${s.roles.readOnly},${s.roles.witnesses}`, i]),
  );
  const leaderOk = leaderRegionsOk(space);
  const used = ROLES.filter((role) => space.shapes.some((s) => s.roles[role] > 0));
  let spent = 0;
  for (;;) {
    const start = best();
    if (start === undefined || spent >= budget) return;
    const base: Layout = {
      voters: space.regions.map((r) => rolesAt(start.candidate, r).voters),
      readOnly: space.regions.map((r) => rolesAt(start.candidate, r).readOnly),
      witnesses: space.regions.map((r) => rolesAt(start.candidate, r).witnesses),
    };
    const leader = space.leaderBased ? (index.get(start.candidate.leader) ?? -1) : -1;
    const total = (l: Layout, role: (typeof ROLES)[number]) => l[role].reduce((a, b) => a + b, 0);
    const baseShape = shapeOf.get(
      `${total(base, "voters")},${total(base, "readOnly")},${total(base, "witnesses")}`,
    );
    const neighbours: Pair[] = [];
    const consider = (layout: Layout, lead: number) => {
      const s = shapeOf.get(
        `${total(layout, "voters")},${total(layout, "readOnly")},${total(layout, "witnesses")}`,
      );
      if (s === undefined || !withinCaps(space.shapes[s]!, layout) || !keepsRequiredVoters(space, layout))
        return;
      if (space.leaderBased) {
        // The leader stays where it was while it still has a voter there, else the first allowed.
        const keep = lead >= 0 && layout.voters[lead]! > 0 && leaderOk[lead];
        const next = keep ? lead : leaderOptions(space, layout, leaderOk)[0];
        if (next === undefined) return;
        neighbours.push({ shape: s, layout, leader: next });
      } else neighbours.push({ shape: s, layout, leader: -1 });
    };
    const edit = (changes: readonly [(typeof ROLES)[number], number, number][]) => {
      const next = copyLayout(base) as { -readonly [K in keyof Layout]: number[] };
      for (const [role, i, delta] of changes) next[role][i]! += delta;
      return next;
    };
    space.regions.forEach((_, from) => {
      for (const role of used) {
        if (base[role][from]! === 0) continue;
        consider(edit([[role, from, -1]]), leader);
        for (const other of used)
          if (other !== role)
            consider(
              edit([
                [role, from, -1],
                [other, from, 1],
              ]),
              leader,
            );
        space.regions.forEach((__, to) => {
          if (to !== from)
            consider(
              edit([
                [role, from, -1],
                [role, to, 1],
              ]),
              leader,
            );
        });
      }
      for (const role of used) consider(edit([[role, from, 1]]), leader);
      if (
        space.leaderBased &&
        from !== leader &&
        base.voters[from]! > 0 &&
        leaderOk[from] &&
        baseShape !== undefined
      )
        neighbours.push({ shape: baseShape, layout: base, leader: from });
    });
    for (const pair of neighbours) {
      if (run(pair) !== undefined) spent++;
      if (spent >= budget) break;
    }
    if (best() === start) return;
  }
}

interface HeapEntry {
  readonly key: number[];
  /** Enumeration order: equal bounds are evaluated in it (deterministic). */
  readonly order: number;
  readonly pair: Pair;
}

/** A binary min-heap of pairs by bound key, then enumeration order. */
class PairHeap {
  private readonly items: HeapEntry[] = [];
  constructor(private readonly before: (a: number[], b: number[]) => number) {}
  get size(): number {
    return this.items.length;
  }
  private less(a: HeapEntry, b: HeapEntry): boolean {
    return (this.before(a.key, b.key) || a.order - b.order) < 0;
  }
  peek(): HeapEntry | undefined {
    return this.items[0];
  }
  push(entry: HeapEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(items[l]!, items[m]!)) m = l;
        if (r < items.length && this.less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}
