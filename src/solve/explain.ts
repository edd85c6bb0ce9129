import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import { ADVICE_CHECKS, brokenText, firstHolding } from "./advice.js";
import { describe, replicasOf } from "./candidate.js";
import type { Verdict } from "./check.js";
import { type Constraint, downOps, figureOf, SERVED, SURVIVE_ZONE } from "./constraints.js";
import type { Objective, Scored } from "./objective.js";
import type { SearchResult } from "./search.js";
import { type Space, unmeetable } from "./space.js";
import type {
  Alternative,
  Binding,
  DatastoreSolution,
  FloorReport,
  PlacementFigures,
  Relaxation,
} from "./types.js";

export interface ExplainInput {
  readonly model: Model;
  readonly ds: ResolvedDatastore;
  readonly objective: Objective;
  readonly constraints: readonly Constraint[];
  readonly space: Space;
  readonly result: SearchResult;
  readonly current: Scored;
  /** Feasible candidates that also passed the full check, best first. */
  readonly accepted: readonly Scored[];
  /** Why candidates that passed the fast checks failed the full one. */
  readonly rejected: readonly string[];
  /** Set when no placement checked is clean: the failures the accepted ones share with the current placement. */
  readonly standing: readonly Diagnostic[];
  readonly elsewhere: readonly Diagnostic[];
  /** A placement's full check judged against the current placement's (each placement checked once). */
  readonly verdict: (s: Scored, excused: (f: Diagnostic) => boolean) => Verdict;
  /**
   * Full checks made: each candidate's, the current placement's when one failed in reach, and the
   * advice's; read after the advice is worked out.
   */
  readonly fullChecks: () => number;
  /** Candidates that got a full check. */
  readonly candidatesChecked: number;
  /** Errors every full check made has (FullChecker `failingInEvery`); read after the advice. */
  readonly failingInEvery: () => readonly Diagnostic[];
  readonly regions: readonly string[];
  /** The same search with some constraints' pruning off (their violations are still recorded). */
  readonly relaxed: (
    ignore: ReadonlySet<string>,
    how: {
      exhaustive?: boolean;
      ceiling?: Scored;
      /** Acceptable candidates ranked exactly. @default 1 */
      need?: number;
      /** Nearest misses kept per constraint (exhaustive searches). @default 1 */
      nearest?: number;
    },
  ) => SearchResult;
  readonly explainBinding: boolean;
  /** The objective's order without the key tie-break: an equally good placement is no better. */
  readonly compare: (a: Scored, b: Scored) => number;
}

const ms = (x: number) => `${+x.toFixed(1)} ms`;
const usd = (x: number) => `$${x.toFixed(2)}`;
/** `+1.2 ms`, `−$3.10`; `±0 ms` when the difference rounds to nothing (not `−0 ms`). */
const signed = (x: number, unit: (v: number) => string) =>
  unit(Math.abs(x)) === unit(0) ? `±${unit(0)}` : `${x >= 0 ? "+" : "−"}${unit(Math.abs(x))}`;

export function figures(s: Scored): PlacementFigures {
  const down = downOps(s.analysis).map((d) => d.op);
  return {
    placement: s.candidate.placement,
    replicas: replicasOf(s.candidate),
    leader: s.candidate.leader,
    costUsdPerMonth: s.costUsdPerMonth,
    latencyMs: s.latencyMs,
    writeP99Ms: s.analysis.write.worstP99Ms,
    readP99Ms: s.analysis.read.worstP99Ms,
    ...(down.length === 0 ? {} : { down }),
    availability: Math.min(s.analysis.availability.write, s.analysis.availability.read),
    survives: s.analysis.survival.meetsGoal,
  };
}

/** "+$12.40/month, −6.1 ms weighted p99" — what `other` trades against `base`. */
export function trade(base: Scored, other: Scored): string {
  const parts = [
    `${signed(other.costUsdPerMonth - base.costUsdPerMonth, usd)}/month`,
    `${signed(other.latencyMs - base.latencyMs, ms)} weighted p99`,
  ];
  const down = new Set(downOps(other.analysis).map((d) => d.op));
  const write = other.analysis.write.worstP99Ms - base.analysis.write.worstP99Ms;
  const read = other.analysis.read.worstP99Ms - base.analysis.read.worstP99Ms;
  // A p99 leaves out the origins it cannot serve: a difference to it would mislead.
  if (down.has("write")) parts.push("writes down");
  else if (Math.abs(write) >= 0.05) parts.push(`write p99 ${signed(write, ms)}`);
  if (down.has("read")) parts.push("reads down");
  else if (Math.abs(read) >= 0.05) parts.push(`read p99 ${signed(read, ms)}`);
  const availability = (s: Scored) => Math.min(s.analysis.availability.write, s.analysis.availability.read);
  const nines = (x: number) => -Math.log10(Math.max(1e-15, 1 - x));
  const more = nines(availability(other)) - nines(availability(base));
  if (Math.abs(more) >= 0.01)
    parts.push(`availability ${more >= 0 ? "+" : "−"}${Math.abs(more).toFixed(2)} nines`);
  return parts.join(", ");
}

/** The hardest origin's floor for each latency objective. */
function floorReports(space: Space): FloorReport[] {
  const worst = new Map<string, Space["floors"][number]>();
  for (const floor of [...space.floors, ...space.leaderFloors]) {
    const known = worst.get(floor.constraint.path);
    if (known === undefined || floor.floorMs > known.floorMs) worst.set(floor.constraint.path, floor);
  }
  return [...worst.values()]
    .sort((a, b) => byText(a.constraint.path, b.constraint.path))
    .map((f) => {
      const meetable = f.lastCover >= 0;
      const what = `${f.constraint.id} ${ms(f.target)} from ${f.origin}`;
      const leader = space.leaderFloors.includes(f) ? " (every write enters at the leader)" : "";
      return {
        path: f.constraint.path,
        origin: f.origin,
        target: f.target,
        floorMs: f.floorMs,
        via: f.via,
        meetable,
        message: meetable
          ? `${what}: the floor is ${ms(f.floorMs)} via ${f.via}${leader}`
          : `no placement meets ${what}: the floor is ${ms(f.floorMs)} via ${f.via} (tail × RTT to the nearest allowed region${leader ? "; every write enters at the leader" : ""})`,
      };
    });
}

/** What a placement found with `constraint` relaxed still meets, as the binding message puts it. */
const relaxedTo = (constraint: Constraint) =>
  constraint.id === "survive" && constraint.target === "region"
    ? "surviving a zone's loss only,"
    : "without it";

export function explain(input: ExplainInput): DatastoreSolution {
  const { ds, result, current, accepted } = input;
  const best = accepted[0];
  const floors = floorReports(input.space);
  const leaderBased = input.space.leaderBased;

  // Advice holds only if its placement passes the full check but for what it relaxes (advice.ts),
  // and clears every finding in reach when the chosen placement does.
  const clean = best !== undefined && input.standing.length === 0;
  const holding = (candidates: readonly Scored[], relaxed: readonly Constraint[]) =>
    firstHolding(candidates, relaxed, input.verdict, clean);
  // The best placement that beats the chosen one when `relaxed` may break, and holds.
  const betterWithout = (chosen: Scored, relaxed: readonly Constraint[]): Scored | undefined => {
    const ignore = new Set(relaxed.map((c) => c.id));
    const better = (s: Scored) => input.compare(s, chosen) < 0;
    const first = input.relaxed(ignore, { ceiling: chosen }).feasible[0];
    if (first === undefined || !better(first)) return undefined;
    const held = holding([first], relaxed);
    if (held !== undefined && "holds" in held) return held.holds;
    // The first breaks something else: search again ranking the next ones exactly, and walk them.
    const next = input.relaxed(ignore, { ceiling: chosen, need: ADVICE_CHECKS }).feasible.filter(better);
    const again = holding(next, relaxed);
    return again !== undefined && "holds" in again ? again.holds : undefined;
  };

  // A constraint binds when relaxing it buys a better placement that holds; when every better one
  // checked breaks something else, relaxing it alone buys nothing, and nothing is said.
  const binding: Binding[] = [];
  if (best !== undefined && input.explainBinding) {
    for (const constraint of input.constraints) {
      const alone = betterWithout(best, [constraint]);
      if (alone === undefined) continue;
      const figure = figureOf(constraint, alone.analysis);
      binding.push({
        path: constraint.path,
        target: constraint.target,
        without: figures(alone),
        message: `${constraint.id} ${constraint.target} binds: ${relaxedTo(constraint)} ${describe(alone.candidate, leaderBased)} would do (${trade(best, alone)}${figure === undefined ? "" : `; ${constraint.id} ${+figure.toFixed(4)}`})`,
      });
    }
  }

  // No single constraint binds, yet the SLOs may together (a leader near one caller breaks the
  // read objective from another and the write objective too): relax every objective at once.
  const objectives = input.constraints.filter((c) => c.id !== "survive");
  if (best !== undefined && input.explainBinding && binding.length === 0 && objectives.length > 1) {
    const together = betterWithout(best, objectives);
    if (together !== undefined) {
      const broken = together.violations.map((v) => v.constraint);
      binding.push({
        path: broken.map((c) => c.path).join(" + "),
        target: broken.map((c) => `${c.id} ${c.target}`).join(", "),
        without: figures(together),
        message: `${broken.map((c) => `${c.id} ${c.target}`).join(" and ")} bind together: without them ${describe(together.candidate, leaderBased)} would do (${trade(best, together)}; ${together.violations.map((v) => v.message).join("; ")})`,
      });
    }
  }

  let infeasible: DatastoreSolution["infeasible"];
  if (best === undefined) {
    const relaxations: Relaxation[] = input.constraints.map((constraint) => {
      const nearest = input
        .relaxed(new Set([constraint.id]), { exhaustive: true, nearest: ADVICE_CHECKS })
        .nearest.get(constraint.id);
      const held = holding(nearest ?? [], [constraint]);
      if (held === undefined)
        return {
          path: constraint.path,
          from: constraint.target,
          message: `relaxing ${constraint.id} alone admits no placement`,
        };
      if (!("holds" in held))
        return {
          path: constraint.path,
          from: constraint.target,
          message: `relaxing ${constraint.id} alone admits no placement that passes check: the nearest, ${describe(held.first.candidate, leaderBased)}, breaks ${brokenText(held.broken)}`,
        };
      const near = held.holds;
      const figure = figureOf(constraint, near.analysis);
      // A region goal relaxes to the zone goal (constraints.ts SURVIVE_ZONE).
      if (constraint.id === "survive" && constraint.target === "region")
        return {
          path: constraint.path,
          from: constraint.target,
          to: "zone",
          placement: figures(near),
          message: `survive region → zone: ${describe(near.candidate, leaderBased)} meets the rest`,
        };
      // No figure meets it (the zone goal; an RPO or RTO with the data in one region): drop it.
      if (constraint.id === "survive" || figure === undefined)
        return {
          path: constraint.path,
          from: constraint.target,
          to: "(none)",
          placement: figures(near),
          message: `without ${constraint.id}: ${constraint.target}, ${describe(near.candidate, leaderBased)} meets the rest`,
        };
      const to =
        constraint.id === "availability" ? Math.floor(figure * 1e6) / 1e6 : Math.ceil(figure * 10) / 10;
      return {
        path: constraint.path,
        from: constraint.target,
        to,
        placement: figures(near),
        message: `${constraint.id} ${constraint.target} → ${to}: ${describe(near.candidate, leaderBased)} meets the rest`,
      };
    });
    // Smallest relaxation first: the least relative change.
    const change = (r: Relaxation) =>
      typeof r.to === "number" && typeof r.from === "number"
        ? r.path.endsWith("availability")
          ? (r.from - r.to) / (1 - r.to)
          : (r.to - r.from) / r.from
        : r.to === undefined
          ? Number.POSITIVE_INFINITY
          : 1e9;
    relaxations.sort((a, b) => change(a) - change(b) || byText(a.path, b.path));
    // No objective alone will do: relax them together, as little as the nearest placement needs.
    if (relaxations.every((r) => r.to === undefined) && objectives.length > 1) {
      const nearest = input
        .relaxed(new Set(objectives.map((c) => c.id)), { exhaustive: true, nearest: ADVICE_CHECKS })
        .nearestOverall.filter((s) =>
          s.violations.every((v) => !["survive", SURVIVE_ZONE, SERVED].includes(v.constraint.id)),
        );
      const held = holding(nearest, objectives);
      if (held !== undefined && "holds" in held) {
        const near = held.holds;
        const changes = near.violations.map((v) => {
          const figure = figureOf(v.constraint, near.analysis);
          const to =
            figure === undefined
              ? "(none)"
              : v.constraint.id === "availability"
                ? Math.floor(figure * 1e6) / 1e6
                : Math.ceil(figure * 10) / 10;
          return { constraint: v.constraint, to };
        });
        relaxations.unshift({
          path: changes.map((c) => c.constraint.path).join(" + "),
          from: changes.map((c) => `${c.constraint.id} ${c.constraint.target}`).join(", "),
          to: changes.map((c) => `${c.constraint.id} ${c.to}`).join(", "),
          placement: figures(near),
          message: `${changes.map((c) => `${c.constraint.id} ${c.constraint.target} → ${c.to}`).join(" and ")}: ${describe(near.candidate, leaderBased)} meets the rest`,
        });
      }
    }
    const empty = unmeetable(input.space);
    const message =
      empty.length > 0
        ? floors
            .filter((f) => !f.meetable)
            .map((f) => f.message)
            .join("; ")
        : result.feasible.length === 0
          ? `no placement of ${replicaCounts(input.space)} replicas over ${input.regions.length} allowed regions meets ${[...input.constraints.map((c) => `${c.id} ${c.target}`), "every read and write served"].join(", ")}${noSpareText(input.space)}`
          : `the ${input.candidatesChecked} best placements meeting the datastore's own constraints all fail the full check: ${[...new Set(input.rejected)].slice(0, 3).join("; ")}`;
    // What no placement tried changed, the objectives relaxed above aside (a rule on the
    // datastore itself): no relaxation passes without it, so it is the first thing to fix.
    const always = input
      .failingInEvery()
      .filter((f) => !input.constraints.some((c) => c.rule === f.code && c.reportedAt === f.path));
    infeasible = {
      message,
      relaxations,
      ...(always.length === 0
        ? {}
        : {
            failingInEvery: {
              checked: input.fullChecks(),
              findings: always,
            },
          }),
    };
  }

  return {
    name: ds.name,
    path: ds.path,
    objective: input.objective,
    mode: result.mode,
    autoPlaced: ds.autoPlaced,
    leaderBased,
    current: { ...figures(current), problems: current.violations.map((v) => v.message) },
    ...(best === undefined ? {} : { chosen: figures(best) }),
    alternatives: accepted.slice(1).map((s): Alternative => ({ ...figures(s), trade: trade(best!, s) })),
    binding,
    floors,
    ...(infeasible === undefined ? {} : { infeasible }),
    ...(input.standing.length === 0 ? {} : { standing: input.standing }),
    elsewhere: input.elsewhere,
    stats: {
      candidateRegions: input.regions.length,
      placements: result.placements,
      candidates: result.candidates,
      evaluated: result.evaluated,
      fullChecks: input.fullChecks(),
      ...(result.gap === undefined ? {} : { gap: result.gap }),
    },
  };
}

/**
 * Why no shape survives anything, when none does: a requirement needs every member it counts.
 * "" when some shape has a member to spare.
 */
function noSpareText(space: Space): string {
  const tight = space.withoutSpare;
  if (tight.length === 0 || tight.length < space.shapes.length) return "";
  const { replicas, counted, needed } = tight[0]!;
  return `: with ${replicas} ${replicas === 1 ? "replica" : "replicas"} a quorum needs ${needed} of the ${counted} members it counts, so losing any one breaks it wherever they are (a majority quorum that loses f and goes on takes 2f + 1 voting members: 3 for one zone or region); add replicas (--replicas)`;
}

/** "5", or "3–7" when the count is searched. */
function replicaCounts(space: Space): string {
  const counts = space.shapes.map((s) => s.replicas);
  if (counts.length === 0) return "the asked";
  const [min, max] = [Math.min(...counts), Math.max(...counts)];
  return min === max ? `${min}` : `${min}–${max}`;
}
