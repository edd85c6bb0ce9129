import { REPLICATION } from "../analysis/replication/index.js";
import type { ResolvedDatastore } from "../model/types.js";
import type { Constraint } from "./constraints.js";

/** RTT and tail the floors are computed with: the analysis' own network view. */
export interface Distances {
  rtt(a: string, b: string): number;
  readonly tailFactor: number;
}

/**
 * The RTT floor of one latency objective from one origin: every request reaches at least one
 * replica, so whatever the placement its p99 is at least tail × RTT(origin, nearest placed region)
 * (writes of a leader-based store: the leader's region). `covers` marks the regions that can meet it.
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

/** Where the search may put replicas, how many per region, and what every placement must reach. */
export interface Space {
  /** Candidate regions, nearest to the demand first (good placements are met early). */
  readonly regions: readonly string[];
  /** Most replicas a region may hold and still meet the survival goal. */
  readonly caps: readonly number[];
  readonly replicas: number;
  /** A single leader takes every write (the REPLICATION table says which models). */
  readonly leaderBased: boolean;
  /** Floors on placed regions (any replica) and on the leader's region. */
  readonly floors: readonly Floor[];
  readonly leaderFloors: readonly Floor[];
}

export interface SpaceInput {
  readonly ds: ResolvedDatastore;
  readonly regions: readonly string[];
  readonly zones: (region: string) => number;
  readonly constraints: readonly Constraint[];
  /** Origins per operation with their demand (from the analysis: callers' regions, else the users). */
  readonly origins: Readonly<Record<"read" | "write", readonly { region: string; share: number }[]>>;
  readonly distances: Distances;
  /** Constraint ids whose floors do not prune (relaxation searches drop one constraint). */
  readonly ignore?: ReadonlySet<string>;
}

export function buildSpace(input: SpaceInput): Space {
  const { ds, distances, constraints } = input;
  const behaviour = REPLICATION[ds.replication];
  const req = behaviour.requirements(ds);
  const needed = Math.max(req.write.needed, req.read.needed);
  const demand = (region: string) =>
    [...input.origins.read, ...input.origins.write].reduce(
      (sum, o) => sum + o.share * distances.rtt(o.region, region),
      0,
    );
  const regions = [...input.regions].sort((a, b) => demand(a) - demand(b) || a.localeCompare(b));

  // Survival (a necessary condition, exact for the analysis' zone rotation): losing region r
  // leaves n − c_r replicas; losing a zone of r leaves n − ⌈c_r / zones(r)⌉. Either must be ≥ the
  // larger of the write and read requirement, so c_r ≤ n − needed (× zones for the zone goal).
  const survival = constraints.some((c) => c.id === "survive") && !input.ignore?.has("survive");
  const spare = Math.max(0, ds.replicas - needed);
  const caps = regions.map((region) =>
    !survival
      ? ds.replicas
      : Math.min(ds.replicas, ds.survive === "region" ? spare : spare * input.zones(region)),
  );

  const floorsFor = (op: "read" | "write"): Floor[] =>
    constraints
      .filter((c) => c.op === op && !input.ignore?.has(c.id) && typeof c.target === "number")
      .flatMap((constraint) =>
        input.origins[op]
          .filter((o) => o.share > 0)
          .map((o) => {
            const target = constraint.target as number;
            const p99 = regions.map((r) => distances.tailFactor * distances.rtt(o.region, r));
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
    caps,
    replicas: ds.replicas,
    leaderBased: behaviour.leaderBased,
    // A leader-based store's writes all enter at the leader: the write floors bind the leader's
    // region; its reads (and every op of the other models) need some replica nearby.
    floors: behaviour.leaderBased ? reads : [...reads, ...writes],
    leaderFloors: behaviour.leaderBased ? writes : [],
  };
}

/** Floors no candidate region can meet: the search space is empty, and this is why. */
export function unmeetable(space: Space): Floor[] {
  return [...space.floors, ...space.leaderFloors].filter((f) => f.lastCover < 0);
}

/**
 * Every count vector over the space's regions that sums to `replicas`, respects the caps and
 * meets every floor, as region-index → count arrays. Depth-first over regions in order; a branch
 * stops when the remaining regions' caps cannot hold the remaining replicas, or when a floor is
 * still unmet and no remaining region can meet it. Leader floors need one placed region that meets
 * them all. `onPlacement` returning true stops the enumeration (then it returns false).
 */
export function enumeratePlacements(
  space: Space,
  onPlacement: (counts: readonly number[]) => boolean | undefined,
): boolean {
  const n = space.regions.length;
  let stopped = false;
  const suffixCap = new Array<number>(n + 1).fill(0);
  const caps = space.caps;
  for (let i = n - 1; i >= 0; i--) suffixCap[i] = suffixCap[i + 1]! + caps[i]!;
  const leaderOk = space.regions.map((_, i) => space.leaderFloors.every((f) => f.covers[i]));
  const lastLeader = leaderOk.lastIndexOf(true);
  const covered = new Int32Array(space.floors.length);
  const counts = new Array<number>(n).fill(0);
  let leaders = 0;

  const dfs = (i: number, remaining: number): void => {
    if (stopped) return;
    if (remaining === 0) {
      if (leaders > 0 && covered.every((c) => c > 0)) stopped = onPlacement(counts) === true;
      return;
    }
    if (i === n || remaining > suffixCap[i]!) return;
    if (leaders === 0 && i > lastLeader) return;
    for (let f = 0; f < space.floors.length; f++)
      if (covered[f] === 0 && space.floors[f]!.lastCover < i) return;
    for (let c = Math.min(caps[i]!, remaining); c >= 0; c--) {
      counts[i] = c;
      if (c > 0) {
        for (let f = 0; f < space.floors.length; f++) if (space.floors[f]!.covers[i]) covered[f]!++;
        if (leaderOk[i]) leaders++;
      }
      dfs(i + 1, remaining - c);
      if (c > 0) {
        for (let f = 0; f < space.floors.length; f++) if (space.floors[f]!.covers[i]) covered[f]!--;
        if (leaderOk[i]) leaders--;
      }
    }
    counts[i] = 0;
  };
  dfs(0, space.replicas);
  return !stopped;
}

/** Leader regions worth evaluating for a placement: every placed region meeting the leader floors. */
export function leaderOptions(space: Space, counts: readonly number[]): number[] {
  const out: number[] = [];
  counts.forEach((c, i) => {
    if (c > 0 && space.leaderFloors.every((f) => f.covers[i])) out.push(i);
  });
  return out;
}
