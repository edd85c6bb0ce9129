import type { ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import type { RoleCounts } from "../spec/roles.js";
import type { Constraint } from "./constraints.js";

/** RTTs the floors are computed with: the analysis' own network view. */
export interface Distances {
  /** Median RTT (orders regions by demand). */
  rtt(a: string, b: string): number;
  /** p99 RTT: every p99 the analysis computes has at least this leg at its tail. */
  rtt99(a: string, b: string): number;
}

/**
 * The RTT floor of one latency objective from one origin: every request reaches at least one
 * replica holding data, so whatever the placement its p99 is at least the p99 RTT(origin, nearest
 * such region) (writes of a leader-based store: the leader's region) — the analysis adds every
 * leg at its p99 (NetworkView.atP99). `covers` marks the regions that can meet it.
 */
export interface Floor {
  readonly constraint: Constraint;
  readonly origin: string;
  readonly target: number;
  /** The floor over every candidate region, and the region that gives it. */
  readonly floorMs: number;
  readonly via: string;
  readonly covers: readonly boolean[];
  /** Largest region index that covers it (−1: none): the search prunes once past it uncovered. */
  readonly lastCover: number;
}

/** Which roles a requirement counts (the analysis' `counts` predicate, per role). */
export type RoleMask = Readonly<Record<keyof RoleCounts, boolean>>;

/** "At least `needed` of the members `counts` accepts outlive any one failure." */
export interface Need {
  readonly needed: number;
  readonly counts: RoleMask;
}

/**
 * What the analysis requires of one replica count and role mix (REPLICATION[model].requirements of
 * the store resolved with those totals: the write and read requirements, and for consensus a
 * member that may lead), and what its replicas cost.
 */
export interface ShapeInput {
  readonly roles: RoleCounts;
  readonly needs: readonly Need[];
  /** The replicas' own monthly cost (placement-independent for self-managed stores; 0: unknown). */
  readonly replicaUsdPerMonth: number;
}

/** One replica count and role mix the search places, with its survival caps per region. */
export interface Shape extends ShapeInput {
  readonly replicas: number;
  /** Per need, per region i: most members it counts that region i may hold and still survive. */
  readonly caps: readonly (readonly number[])[];
}

/** Replicas per region by role (region index → count), one array per role. */
export interface Layout {
  readonly voters: readonly number[];
  readonly readOnly: readonly number[];
  readonly witnesses: readonly number[];
}

export const totalAt = (l: Layout, i: number): number => l.voters[i]! + l.readOnly[i]! + l.witnesses[i]!;
const weigh = (mask: RoleMask, v: number, r: number, w: number) =>
  (mask.voters ? v : 0) + (mask.readOnly ? r : 0) + (mask.witnesses ? w : 0);

/** Where the search may put replicas, how many of each role, and what every placement must reach. */
export interface Space {
  /** Candidate regions, nearest to the demand first (good placements are met early). */
  readonly regions: readonly string[];
  /** Replica counts and role mixes, each with its caps. */
  readonly shapes: readonly Shape[];
  /**
   * Shapes that survive nothing under the survival goal (their caps are all 0): a requirement
   * (write quorum, read quorum, a member that may lead) needs every member it counts, so losing
   * any one breaks it, wherever they are.
   */
  readonly withoutSpare: readonly {
    readonly replicas: number;
    readonly counted: number;
    readonly needed: number;
  }[];
  /** A single leader takes every write (the REPLICATION table says which models). */
  readonly leaderBased: boolean;
  /** Regions the leader may be in (`leaderRegions`, when declared). */
  readonly leaderAllowed: readonly boolean[];
  /**
   * Regions that must hold a voter: each `leaderRegions` one (check refuses a listed region
   * without a voter, spec/leader-not-placed).
   */
  readonly voterRequired: readonly boolean[];
  /** Floors on regions holding data and on the leader's region. */
  readonly floors: readonly Floor[];
  readonly leaderFloors: readonly Floor[];
}

export interface SpaceInput {
  readonly ds: ResolvedDatastore;
  readonly leaderRegions?: readonly string[];
  readonly regions: readonly string[];
  readonly zones: (region: string) => number;
  readonly constraints: readonly Constraint[];
  readonly shapes: readonly ShapeInput[];
  readonly leaderBased: boolean;
  /** Origins per operation with their demand (from the analysis: callers' regions, else the users). */
  readonly origins: Readonly<Record<"read" | "write", readonly { region: string; share: number }[]>>;
  readonly distances: Distances;
  /** Constraint ids whose floors do not prune (relaxation searches drop one constraint). */
  readonly ignore?: ReadonlySet<string>;
}

export function buildSpace(input: SpaceInput): Space {
  const { ds, distances, constraints } = input;
  const demand = (region: string) =>
    [...input.origins.read, ...input.origins.write].reduce(
      (sum, o) => sum + o.share * distances.rtt(o.region, region),
      0,
    );
  const regions = [...input.regions].sort((a, b) => demand(a) - demand(b) || byText(a, b));

  // Survival (a necessary condition, exact without roles and without a failover that needs a
  // majority of all members' votes, Redis Sentinel's, which the full check adds): losing region r leaves the members
  // outside it; losing a zone of r takes at least ⌈x_r / zones(r)⌉ of the x_r members r holds that
  // a need counts (replicas rotate over zones: pigeonhole). What is left must be ≥ what the need
  // asks (write quorum, read quorum, a member that may lead), so x_r ≤ total − needed (× zones for
  // the zone goal), per need — the analysis' survivalCheck, applied before placing.
  // Relaxing a region goal leaves the zone goal (constraints.ts SURVIVE_ZONE); a zone goal, none.
  const goal = !constraints.some((c) => c.id === "survive")
    ? undefined
    : !input.ignore?.has("survive")
      ? ds.survive
      : ds.survive === "region"
        ? "zone"
        : undefined;
  const withoutSpare: Space["withoutSpare"][number][] = [];
  const shapes = input.shapes.flatMap((shape): Shape[] => {
    const { voters, readOnly, witnesses } = shape.roles;
    if (goal !== undefined) {
      const counts = shape.needs.map((need) => ({
        counted: weigh(need.counts, voters, readOnly, witnesses),
        needed: need.needed,
      }));
      // Kept with every cap 0 (a requirement short of members drops the shape below).
      const tight = counts.find((n) => n.counted === n.needed);
      if (tight !== undefined && counts.every((n) => n.counted >= n.needed))
        withoutSpare.push({ replicas: voters + readOnly + witnesses, ...tight });
    }
    const caps = shape.needs.map((need) => {
      const spare = weigh(need.counts, voters, readOnly, witnesses) - need.needed;
      return regions.map((region) =>
        goal === undefined
          ? Number.POSITIVE_INFINITY
          : spare < 0
            ? -1
            : goal === "region"
              ? spare
              : spare * input.zones(region),
      );
    });
    if (caps.some((row) => row.some((c) => c < 0))) return [];
    return [{ ...shape, replicas: voters + readOnly + witnesses, caps }];
  });

  const floorsFor = (op: "read" | "write"): Floor[] =>
    constraints
      .filter((c) => c.op === op && !input.ignore?.has(c.id) && typeof c.target === "number")
      .flatMap((constraint) =>
        input.origins[op]
          .filter((o) => o.share > 0)
          .map((o) => {
            const target = constraint.target as number;
            const p99 = regions.map((r) => distances.rtt99(o.region, r));
            const covers = p99.map((x) => x <= target);
            let best = 0;
            p99.forEach((x, i) => {
              if (x < p99[best]!) best = i;
            });
            return {
              constraint,
              origin: o.region,
              target,
              floorMs: p99[best] ?? Number.POSITIVE_INFINITY,
              via: regions[best] ?? "(no region)",
              covers,
              lastCover: covers.lastIndexOf(true),
            };
          }),
      );
  const reads = floorsFor("read");
  const writes = floorsFor("write");
  return {
    regions,
    shapes,
    withoutSpare,
    leaderBased: input.leaderBased,
    leaderAllowed: regions.map((r) => input.leaderRegions?.includes(r) ?? true),
    voterRequired: regions.map((r) => input.leaderRegions?.includes(r) ?? false),
    // A leader-based store's writes all enter at the leader: the write floors bind the leader's
    // region; its reads (and every op of the other models) need some replica holding data nearby.
    floors: input.leaderBased ? reads : [...reads, ...writes],
    leaderFloors: input.leaderBased ? writes : [],
  };
}

/** Floors no candidate region can meet: the search space is empty, and this is why. */
export function unmeetable(space: Space): Floor[] {
  return [...space.floors, ...space.leaderFloors].filter((f) => f.lastCover < 0);
}

/** Regions that may lead a leader-based store: allowed, and meeting every leader floor. */
export function leaderRegionsOk(space: Space): boolean[] {
  return space.regions.map((_, i) => space.leaderAllowed[i]! && space.leaderFloors.every((f) => f.covers[i]));
}

/** Whether a layout has a voter in every region that must hold one (`voterRequired`). */
export function keepsRequiredVoters(space: Space, layout: Layout): boolean {
  return space.voterRequired.every((required, i) => !required || layout.voters[i]! > 0);
}

/** Whether a layout keeps a shape's caps in every region (the local search's moves). */
export function withinCaps(shape: Shape, layout: Layout): boolean {
  for (let i = 0; i < layout.voters.length; i++)
    if (!fits(shape, i, layout.voters[i]!, layout.readOnly[i]!, layout.witnesses[i]!)) return false;
  return true;
}

const fits = (shape: Shape, i: number, v: number, r: number, w: number) =>
  shape.needs.every((need, k) => weigh(need.counts, v, r, w) <= shape.caps[k]![i]!);

/**
 * Every layout of one shape over the space's regions that keeps its caps and meets every floor.
 * Depth-first over regions in order, most replicas first (voters before read-only replicas before
 * witnesses); a branch stops when the remaining regions' caps cannot hold the remaining counted
 * members, or when a floor is still unmet and no remaining region can meet it. Floors need a
 * region holding data (a voter or a read-only replica); a leader-based store needs a voter in a
 * region meeting every leader floor. `onLayout` returning true stops it (then it returns false).
 */
export function enumerateLayouts(
  space: Space,
  shape: Shape,
  onLayout: (layout: Layout) => boolean | undefined,
): boolean {
  const n = space.regions.length;
  let stopped = false;
  // Per need: what the regions from i on may hold of the members it counts.
  const suffix = shape.caps.map((row) => {
    const out = new Array<number>(n + 1).fill(0);
    for (let i = n - 1; i >= 0; i--) out[i] = out[i + 1]! + row[i]!;
    return out;
  });
  const leaderOk = space.leaderBased ? leaderRegionsOk(space) : space.regions.map(() => true);
  const lastLeader = leaderOk.lastIndexOf(true);
  // Regions from i on that must hold a voter.
  const requiredFrom = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) requiredFrom[i] = requiredFrom[i + 1]! + (space.voterRequired[i] ? 1 : 0);
  const covered = new Int32Array(space.floors.length);
  const voters = new Array<number>(n).fill(0);
  const readOnly = new Array<number>(n).fill(0);
  const witnesses = new Array<number>(n).fill(0);
  const layout: Layout = { voters, readOnly, witnesses };
  let leaders = 0;

  const dfs = (i: number, rv: number, rr: number, rw: number): void => {
    if (stopped) return;
    // Too few voters left for the regions ahead that must hold one.
    if (rv < requiredFrom[i]!) return;
    if (rv + rr + rw === 0) {
      if (leaders > 0 && covered.every((c) => c > 0)) stopped = onLayout(layout) === true;
      return;
    }
    if (i === n) return;
    for (let k = 0; k < suffix.length; k++)
      if (weigh(shape.needs[k]!.counts, rv, rr, rw) > suffix[k]![i]!) return;
    if (leaders === 0 && i > lastLeader) return;
    for (let f = 0; f < space.floors.length; f++)
      if (covered[f] === 0 && space.floors[f]!.lastCover < i) return;
    for (let c = rv + rr + rw; c >= 0; c--)
      for (let v = Math.min(rv, c); v >= 0; v--)
        for (let r = Math.min(rr, c - v); r >= 0; r--) {
          const w = c - v - r;
          if (w > rw) continue;
          if (v === 0 && space.voterRequired[i]) continue;
          if (!fits(shape, i, v, r, w)) continue;
          voters[i] = v;
          readOnly[i] = r;
          witnesses[i] = w;
          const data = v + r > 0;
          const leads = v > 0 && leaderOk[i]!;
          if (data)
            for (let f = 0; f < space.floors.length; f++) if (space.floors[f]!.covers[i]) covered[f]!++;
          if (leads) leaders++;
          dfs(i + 1, rv - v, rr - r, rw - w);
          if (data)
            for (let f = 0; f < space.floors.length; f++) if (space.floors[f]!.covers[i]) covered[f]!--;
          if (leads) leaders--;
          if (stopped) return;
        }
    voters[i] = 0;
    readOnly[i] = 0;
    witnesses[i] = 0;
  };
  dfs(0, shape.roles.voters, shape.roles.readOnly, shape.roles.witnesses);
  return !stopped;
}

/** Leader regions worth evaluating for a layout: every region with a voter that may lead. */
export function leaderOptions(space: Space, layout: Layout, ok = leaderRegionsOk(space)): number[] {
  const out: number[] = [];
  layout.voters.forEach((v, i) => {
    if (v > 0 && ok[i]) out.push(i);
  });
  return out;
}
