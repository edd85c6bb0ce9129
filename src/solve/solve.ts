import { RULES } from "../../policies/registry.js";
import type { PolicyRunOptions } from "../../policies/run.js";
import { resolvePolicyConfig } from "../../policies/run.js";
import { modelEgressUsdPerGb, monthlyUsd } from "../analysis/bandwidth.js";
import { crossZoneUsdPerGb, datastoreReplicaCost } from "../analysis/cost.js";
import { REPLICATION } from "../analysis/replication/index.js";
import { isAllowedIn } from "../catalog/catalog.js";
import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { type ChosenPlacement, resolveDatastoreIn, resolveModel, zonesIn } from "../model/resolve.js";
import type { Model, ReplicaSlot, ResolvedDatastore } from "../model/types.js";
import { type RoleCounts, roleCounts, totalOf } from "../spec/roles.js";
import { type Candidate, candidate, entryOf, keyOf, type Role, specFor } from "./candidate.js";
import { fullChecker } from "./check.js";
import { type Constraint, constraintsOf, figureOf, violations } from "./constraints.js";
import { explain } from "./explain.js";
import { figureComparator, hundredths, type Objective, opWeights, type Scored, score } from "./objective.js";
import { datastoreOracle } from "./oracle.js";
import { AUTO_MAX_REPLICAS, allowedRoles, type CountRange, roleMixes } from "./roles.js";
import { type SearchOptions, searchSpace } from "./search.js";
import { buildSpace, type Layout, type RoleMask, type ShapeInput, type Space, totalAt } from "./space.js";
import type { DatastoreSolution, SolveReport } from "./types.js";

export interface SolveOptions {
  /** @default "cost" (ties by demand-weighted latency); "latency" reverses the order */
  readonly objective?: Objective;
  /** Next-best placements to report. @default 3 */
  readonly top?: number;
  /** Datastores to solve. @default those with `placement: "auto"`, else every datastore */
  readonly datastores?: readonly string[];
  /** Candidate regions. @default every catalog region allowed by the datastore's residency */
  readonly regions?: readonly string[];
  /** Candidates evaluated exactly before the heuristic takes over. @default 20,000 */
  readonly limit?: number;
  /** Candidates held in memory at once; a larger space is searched by the heuristic. @default 100,000 */
  readonly maxPairs?: number;
  /**
   * Replica counts to try: a count, a range, or "auto" (from 1 to the declared count or
   * AUTO_MAX_REPLICAS, whichever is larger; the survival caps drop the counts that cannot survive).
   * A searched count keeps consensus voting members odd. @default the declared `replicas`
   */
  readonly replicas?: number | CountRange | "auto";
  /**
   * Replica roles the search may use besides voters (within what the replication model and the
   * deploy target allow, src/solve/roles.ts). @default the roles the declared placement uses
   */
  readonly roles?: readonly Role[] | "all";
  /** Explain binding constraints (one relaxed search per constraint). @default true */
  readonly explain?: boolean;
  readonly policy?: PolicyRunOptions;
  /** Told before each datastore is solved (a large topology takes a while per datastore). */
  readonly progress?: (at: { readonly name: string; readonly index: number; readonly total: number }) => void;
}

/** Candidates a binding-constraint search holds (see `relaxed` below). */
const BINDING_PAIRS = 20_000;

/** Full checks walked per datastore before giving up on the candidates that pass the fast checks. */
const FULL_CHECKS = 64;

/**
 * Finds, for each datastore asked for, the placement (replicas per region and leader) that meets
 * every constraint at the least cost (or latency), explains it and lists the next best. Pure.
 * Datastores are solved one after another, each with the others at their declared (or already
 * solved) placement.
 */
export function solve(model: Model, options: SolveOptions = {}): SolveReport {
  const objective = options.objective ?? "cost";
  const names =
    options.datastores ??
    (model.datastores.some((ds) => ds.autoPlaced)
      ? model.datastores.filter((ds) => ds.autoPlaced).map((ds) => ds.name)
      : model.datastores.map((ds) => ds.name));
  if (options.regions !== undefined) refuseNarrowerRegions(model, names, options.regions);
  const chosen: Record<string, ChosenPlacement> = {};
  const datastores: DatastoreSolution[] = [];
  let current = model;
  for (const [index, name] of names.entries()) {
    options.progress?.({ name, index, total: names.length });
    const solution = solveDatastore(current, name, objective, chosen, options);
    if (solution.chosen !== undefined) {
      chosen[name] = { placement: solution.chosen.placement, leader: solution.chosen.leader };
      // The next datastore sees this one where it was placed (its flows share the links).
      current = resolveModel(model.topology, model.catalog, chosen);
    }
    datastores.push(solution);
  }
  return { topology: model.name, objective, datastores };
}

/**
 * `--regions` that the spec forbids or cannot do without are a usage error (exit 2): a region a
 * datastore's residency forbids (dropping it silently searched fewer regions than asked, or none:
 * "the floor is Infinity ms"), and leaving out a `leaderRegions` region, which must hold a voter
 * (every placement searched failed check on it, and the advice offered relaxing the SLOs).
 */
function refuseNarrowerRegions(model: Model, names: readonly string[], regions: readonly string[]): void {
  const problems: Diagnostic[] = [];
  for (const name of names) {
    const ds = model.datastores.find((d) => d.name === name);
    if (ds === undefined) continue;
    const leaderRegions = model.topology.datastores[name]?.leaderRegions ?? [];
    const missing = leaderRegions.filter((region) => !regions.includes(region));
    if (missing.length > 0)
      problems.push({
        code: "cli/usage",
        severity: "error",
        path: `${ds.path}.leaderRegions`,
        message: `--regions leaves out ${missing.join(", ")}, which ${ds.path}.leaderRegions lists: every leader region must hold a voter, so no placement over these regions passes check`,
        fix: `add ${missing.join(",")} to --regions, or drop ${missing.length === 1 ? "it" : "them"} from leaderRegions`,
      });
    if (ds.residency === undefined) continue;
    const residency = ds.residency;
    const outside = regions.filter((code) => {
      const region = model.catalog.regions.get(code);
      return region !== undefined && !isAllowedIn(region, residency);
    });
    if (outside.length === 0) continue;
    const allowed = regions.filter((code) => !outside.includes(code));
    problems.push({
      code: "cli/usage",
      severity: "error",
      // The residency's own line: where the spec says where the data may go.
      path: `${ds.path}.residency`,
      message: `--regions ${outside.join(",")} ${outside.length === 1 ? "is" : "are"} outside ${ds.path}.residency [${residency.join(", ")}]; the datastore may not be placed there`,
      fix:
        allowed.length > 0
          ? `drop ${outside.join(", ")} (--regions ${allowed.join(",")}), or solve the datastores apart with --datastore`
          : `list regions ${ds.path}.residency allows, or leave out --regions to search all of them`,
    });
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** Rules that run at error level: only they constrain the search (check fails only on errors). */
export function errorRules(model: Model, policy: PolicyRunOptions): Set<string> {
  const rules = [...(policy.rules ?? RULES), ...(policy.extraRules ?? [])];
  const config = resolvePolicyConfig(model, rules, policy);
  return new Set(
    rules
      .filter((r) => !config.disabled.includes(r.id) && (config.severity[r.id] ?? r.severity) === "error")
      .map((r) => r.id),
  );
}

/**
 * Regions a datastore may use: allowed by residency, on the clouds the topology already uses (AWS
 * when it names none: a placement does not silently move to another provider), declared sites
 * only where it already is. `--regions` overrides all but residency.
 */
export function candidateRegions(model: Model, ds: ResolvedDatastore, only?: readonly string[]): string[] {
  const placed = new Set(ds.regions);
  const providers = new Set(
    model.regions.flatMap((code) => {
      const region = model.catalog.regions.get(code);
      return region === undefined || region.custom ? [] : [region.provider];
    }),
  );
  if (providers.size === 0) providers.add("aws");
  return [...model.catalog.regions.values()]
    .filter((r) =>
      only === undefined
        ? r.custom
          ? placed.has(r.code)
          : providers.has(r.provider)
        : only.includes(r.code),
    )
    .filter((r) => ds.residency === undefined || isAllowedIn(r, ds.residency))
    .map((r) => r.code)
    .sort();
}

function solveDatastore(
  model: Model,
  name: string,
  objective: Objective,
  chosen: Readonly<Record<string, ChosenPlacement>>,
  options: SolveOptions,
): DatastoreSolution {
  const ds = model.datastores.find((d) => d.name === name);
  if (ds === undefined) throw new Error(`no datastore ${name}`);
  const policy = options.policy ?? {};
  const top = options.top ?? 3;
  const regions = candidateRegions(model, ds, options.regions);
  const oracle = datastoreOracle(model, name, regions);
  const constraints = constraintsOf(ds, errorRules(model, policy));
  const weights = opWeights(ds);
  const evaluate = (c: Candidate): Scored => {
    const analysis = oracle.evaluate(c);
    return score(
      c.leader === "" ? candidate(c.placement, analysis.leader) : c,
      analysis,
      weights,
      violations(constraints, analysis),
    );
  };

  const current = evaluate(
    candidate(Object.fromEntries(ds.placement.map((p) => [p.region, entryOf(p)])), ds.leader),
  );
  const origins = {
    read: current.analysis.read.byOrigin.map((o) => ({ region: o.origin, share: o.share })),
    write: current.analysis.write.byOrigin.map((o) => ({ region: o.origin, share: o.share })),
  };
  const zones = (region: string) =>
    ds.placement.find((p) => p.region === region)?.zones.length ??
    model.topology.datastores[name]?.zones?.[region]?.length ??
    zonesIn(model.catalog)(region).length;
  // Floors and bounds on p99s: the analysis evaluates every p99 with each RTT at its p99
  // (measured jitter, or the flat tail factor), so the client's own leg is at least rtt99.
  const distances = { rtt: oracle.rtt, rtt99: oracle.rtt99 };
  const shapes = shapesOf(model, ds, regions[0] ?? ds.regions[0]!, options);
  const leaderRegions = model.topology.datastores[name]?.leaderRegions;
  const spaceFor = (ignore?: ReadonlySet<string>) =>
    buildSpace({
      ds,
      regions,
      zones,
      constraints,
      shapes,
      leaderBased: REPLICATION[ds.replication].leaderBased,
      origins,
      distances,
      ...(leaderRegions === undefined ? {} : { leaderRegions }),
      ...(ignore ? { ignore } : {}),
    });

  const space = spaceFor();
  // Among placements equally good by cost and latency (the third replica of a 3-voter store
  // commits nothing while the other two are up), keep the current one — a move is a migration,
  // which diff calls destructive — else the one whose replicas are nearest the demand, so a
  // failure leaves near ones: not the first region by name (af-south-1 for a US-only app).
  const currentKey = keyOf(current.candidate);
  const demand = [
    ...origins.read.map((o) => ({ region: o.region, weight: o.share * weights.read })),
    ...origins.write.map((o) => ({ region: o.region, weight: o.share * weights.write })),
  ];
  const prefer = (c: Candidate): number => {
    if (keyOf(c) === currentKey) return Number.MIN_SAFE_INTEGER;
    let spread = 0;
    for (const [region, entry] of Object.entries(c.placement)) {
      const near = demand.reduce((sum, o) => sum + o.weight * oracle.rtt(o.region, region), 0);
      spread += totalOf(roleCounts(entry)) * near;
    }
    return hundredths(spread);
  };
  const latency = latencyBound(space, origins, weights, distances);
  const cost = costBound(model, ds, oracle.clientOrigins, zones);
  const base = {
    objective,
    prefer,
    limit: options.limit ?? 20_000,
    keep: FULL_CHECKS,
    need: top + 1,
    maxPairs: options.maxPairs ?? 100_000,
    miss: (id: string, s: Scored) => missOf(constraints, id, s),
    // The largest relative miss, then the sum (among equally large, the one missing the rest least).
    missAll: (s: Scored) => {
      const misses = s.violations.map((v) => relativeMiss(v.constraint, s));
      return Math.max(...misses) + 1e-6 * misses.reduce((a, b) => a + b, 0);
    },
  };
  // Bounds are per region order, so each (relaxed) space gets its own.
  const search = (at: Space, extra: Partial<SearchOptions> = {}) => {
    const l = at === space ? latency : latencyBound(at, origins, weights, distances);
    const c = at === space ? cost : costBound(model, ds, oracle.clientOrigins, zones);
    // Every region placed (twice: cross-zone prices count), any leader: below every candidate's bound.
    const everywhere: Layout = {
      voters: at.regions.map(() => 2),
      readOnly: at.regions.map(() => 0),
      witnesses: at.regions.map(() => 0),
    };
    const anyLeader = { ...at, leaderBased: false };
    return searchSpace(at, evaluate, {
      ...base,
      bound: (shape, layout, leader) => ({
        costUsdPerMonth: c.pair(at, at.shapes[shape]!, layout, leader),
        latencyMs: l(layout, leader),
      }),
      // Cost: the replicas alone (egress ≥ 0); latency: every region placed.
      shapeBound: (shape) => ({
        costUsdPerMonth: ds.deploy.target === "aws" ? 0 : at.shapes[shape]!.replicaUsdPerMonth,
        latencyMs: latencyBound(anyLeader, origins, weights, distances)(everywhere, -1),
      }),
      globalBound: {
        costUsdPerMonth: Math.min(...at.shapes.map((shape) => c.global(at, shape))),
        latencyMs: latencyBound(anyLeader, origins, weights, distances)(everywhere, -1),
      },
      ...extra,
    });
  };

  // The ground truth, on the best few: the whole model with every policy. When the full check
  // rejects so many that fewer than top + 1 remain, or passes none outright (each keeps a caller's
  // failure the current placement has, which a costlier placement may fix: a reader's SLO that
  // needs the leader beside it), search again keeping more.
  let result = search(space);
  // A candidate failing in reach is held against the current placement, checked once when first
  // needed: a rule that fails at a caller's path with it too (a residency breach by where the
  // caller runs, an SLO a slower dependency decides) is not the new placement's doing; one failing
  // outside its reach that the current placement does not have is.
  const checker = fullChecker(model, name, current.candidate, chosen, policy);
  const accepted: Scored[] = [];
  // Placements that add no failure but leave some the current one has: chosen from only when no
  // placement checked is clean.
  const leaving: Scored[] = [];
  // What the first of each list leaves failing: the chosen placement is one of the two.
  const leftBy = new Map<Scored, { standing: readonly Diagnostic[]; elsewhere: readonly Diagnostic[] }>();
  const rejected: string[] = [];
  const checked = new Set<string>();
  for (let round = 0; round < 2; round++) {
    for (const s of result.feasible) {
      if (accepted.length > top) break;
      const key = keyOf(s.candidate);
      if (checked.has(key)) continue;
      checked.add(key);
      const { added, standing, elsewhere } = checker.verdict(s.candidate);
      if (added.length > 0) rejected.push(...added.map((e) => `${e.code} ${e.path}: ${e.message}`));
      else {
        const list = standing.length === 0 ? accepted : leaving;
        if (list.length === 0) leftBy.set(s, { standing, elsewhere });
        list.push(s);
      }
    }
    const enough = accepted.length > 0 && accepted.length + leaving.length > top;
    if (enough || result.feasible.length < top + 1) break;
    result = search(space, { need: FULL_CHECKS });
  }
  const clean = accepted.length > 0;
  const best = clean ? accepted[0] : leaving[0];
  const left = best === undefined ? undefined : leftBy.get(best);

  return explain({
    model,
    ds,
    objective,
    constraints,
    space,
    result,
    current,
    accepted: clean ? accepted : leaving.slice(0, top + 1),
    standing: left?.standing ?? [],
    rejected,
    elsewhere: left?.elsewhere ?? checker.made(current.candidate)?.elsewhere ?? [],
    verdict: (s, excused) => checker.verdict(s.candidate, excused),
    fullChecks: () => checker.count,
    failingInEvery: () => checker.failingInEvery(),
    candidatesChecked: checked.size,
    regions,
    relaxed: (ignore, how) =>
      search(spaceFor(ignore), {
        tolerate: ignore,
        need: how.need ?? 1,
        ...(how.exhaustive ? { exhaustive: true, nearestKeep: how.nearest ?? 1 } : {}),
        // "Does relaxing it buy a better placement?" searches the first BINDING_PAIRS candidates
        // (the nearest regions first): advice, so it may miss a binding constraint in a space
        // larger than that rather than cost several times the search itself.
        ...(how.ceiling === undefined
          ? {}
          : { ceiling: how.ceiling, maxPairs: Math.min(base.maxPairs, BINDING_PAIRS) }),
      }),
    explainBinding: options.explain ?? true,
    // Binding means strictly better figures: a placement tying on both only sorts first by its key.
    compare: figureComparator(objective),
  });
}

/**
 * A latency no candidate beats: per origin, tail × RTT to the nearest placed region (writes of a
 * leader-based store: to the leader), weighted by demand and by the read/write mix.
 */
function latencyBound(
  space: Space,
  origins: Readonly<Record<"read" | "write", readonly { region: string; share: number }[]>>,
  weights: { read: number; write: number },
  distances: { rtt99(a: string, b: string): number },
) {
  const table = (op: "read" | "write") =>
    origins[op].map((o) => ({ share: o.share, rtt: space.regions.map((r) => distances.rtt99(o.region, r)) }));
  const reads = table("read");
  const writes = table("write");
  const weighted = (rows: typeof reads, placed: readonly number[]) => {
    let sum = 0;
    for (const row of rows) {
      let best = Number.POSITIVE_INFINITY;
      for (const i of placed) if (row.rtt[i]! < best) best = row.rtt[i]!;
      sum += row.share * best;
    }
    return sum;
  };
  return (layout: Layout, leader: number) => {
    // Every replica's region, witnesses too: nearer than the nearest one holding data, so a bound.
    const placed: number[] = [];
    for (let i = 0; i < space.regions.length; i++) if (totalAt(layout, i) > 0) placed.push(i);
    return (
      weights.read * weighted(reads, placed) +
      weights.write * weighted(writes, space.leaderBased && leader >= 0 ? [leader] : placed)
    );
  };
}

/**
 * A cost a candidate cannot beat: its replicas (placement-independent for self-managed stores: one
 * price per node by role, src/analysis/cost.ts) plus its replication egress. Every write reaches
 * every replica but the one where it enters (witnesses too: they vote on the log): a single leader
 * (hash/range partitions) ships from the leader's region — Σ replicas × price(leader → region),
 * one leader-region replica free and the others cross-zone (charged both ways) but those in the
 * leader's zone, at most ⌈c / zones⌉ − 1 of a region's c (replicas are dealt over the zones), or
 * for an engine that sends one copy per region (`wanCopyPerRegion`) one copy per other region and
 * the rest there cross-zone but as many; otherwise n − 1 copies less those that may share a zone,
 * at the cheapest price between the placed regions (a bound either way). Managed services replicate once
 * per other region and bill replicas by region count: their replicas bound at 0, egress per region.
 */
function costBound(
  model: Model,
  ds: ResolvedDatastore,
  clients: Readonly<Record<"read" | "write", readonly { region: string; share: number }[]>>,
  zones: (region: string) => number,
) {
  // Of c replicas dealt over a region's zones, at most ⌈c / zones⌉ share one: that many less one
  // take a copy inside the sender's zone, which nobody bills (bandwidth.ts datastoreFlows).
  const sameZone = (c: number, zoneCount: number) => Math.max(0, Math.ceil(c / Math.max(1, zoneCount)) - 1);
  const traffic = ds.traffic;
  const crossZone = (region: string) => crossZoneUsdPerGb(model.catalog, region);
  const bytes = (traffic?.writesPerSec ?? 0) * (traffic?.itemBytes ?? 0);
  const singleSource = ds.partitions.strategy !== "geo";
  const managed = ds.deploy.target === "aws";
  const perRegion = !managed && ds.wanCopyPerRegion;
  // Prices between a space's regions, looked up once per space (bounds run per candidate).
  const prices = new WeakMap<readonly string[], Float64Array>();
  const priceTable = (regions: readonly string[]) => {
    let table = prices.get(regions);
    if (table === undefined) {
      const n = regions.length;
      table = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          table[i * n + j] =
            i === j ? crossZone(regions[i]!) : modelEgressUsdPerGb(model, regions[i]!, regions[j]!);
      prices.set(regions, table);
    }
    return table;
  };
  // Client traffic (src/analysis/traffic.ts): a caller in U writing to a leader in L ships each
  // write U → L; a read served elsewhere ships the item back — from the leader (strong reads) or
  // from the nearest region holding data, so at least the cheapest placed one when U holds none.
  const item = traffic?.itemBytes ?? 0;
  const strong = ds.consistency === "strong";
  const indexes = new WeakMap<readonly string[], Map<string, number>>();
  const clientUsd = (space: Space, layout: Layout, leader: number): number => {
    if (traffic === undefined || item === 0) return 0;
    const regions = space.regions;
    let index = indexes.get(regions);
    if (index === undefined) {
      index = new Map(regions.map((r, i) => [r, i]));
      indexes.set(regions, index);
    }
    const table = priceTable(regions);
    const from = (i: number, to: string) => {
      const t = index.get(to);
      return t === undefined ? modelEgressUsdPerGb(model, regions[i]!, to) : table[i * regions.length + t]!;
    };
    let usd = 0;
    const lead = space.leaderBased && leader >= 0 ? regions[leader]! : undefined;
    if (lead !== undefined)
      for (const o of clients.write)
        if (o.region !== lead)
          usd += monthlyUsd(
            traffic.writesPerSec * item * o.share,
            modelEgressUsdPerGb(model, o.region, lead),
          );
    for (const o of clients.read) {
      if (strong && lead !== undefined) {
        if (o.region !== lead)
          usd += monthlyUsd(traffic.readsPerSec * item * o.share, from(leader, o.region));
        continue;
      }
      const here = index.get(o.region);
      if (here !== undefined && layout.voters[here]! + layout.readOnly[here]! > 0) continue;
      let cheapest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < regions.length; i++)
        if (layout.voters[i]! + layout.readOnly[i]! > 0) cheapest = Math.min(cheapest, from(i, o.region));
      if (Number.isFinite(cheapest)) usd += monthlyUsd(traffic.readsPerSec * item * o.share, cheapest);
    }
    return usd;
  };
  const pair = (space: Space, shape: ShapeInput, layout: Layout, leader: number): number => {
    const replicas = (managed ? 0 : shape.replicaUsdPerMonth) + clientUsd(space, layout, leader);
    if (bytes === 0) return replicas;
    const n = space.regions.length;
    const price = priceTable(space.regions);
    // Copies per region: every replica, or one per region for a managed service.
    const copies = (i: number) => (managed ? Math.min(1, totalAt(layout, i)) : totalAt(layout, i));
    let usdPerGb = 0;
    if (space.leaderBased && singleSource && leader >= 0) {
      for (let i = 0; i < n; i++) {
        const c = copies(i);
        const from = price[leader * n + i]!;
        if (i === leader) usdPerGb += (managed ? 0 : c - 1 - sameZone(c, zones(space.regions[i]!))) * from;
        // One copy crosses and the others are passed on inside the region (bandwidth.ts).
        else
          usdPerGb +=
            perRegion && c > 0
              ? from + (c - 1 - sameZone(c, zones(space.regions[i]!))) * price[i * n + i]!
              : c * from;
      }
    } else {
      let cheapest = Number.POSITIVE_INFINITY;
      let total = 0;
      let free = 0;
      for (let i = 0; i < n; i++) {
        const c = copies(i);
        if (c === 0) continue;
        total += c;
        if (!managed) free += sameZone(c, zones(space.regions[i]!));
        if (c > 1) cheapest = Math.min(cheapest, price[i * n + i]!);
        for (let j = 0; j < n; j++)
          if (j !== i && totalAt(layout, j) > 0) cheapest = Math.min(cheapest, price[i * n + j]!);
      }
      usdPerGb = Math.max(0, total - 1 - free) * (Number.isFinite(cheapest) ? cheapest : 0);
    }
    return replicas + monthlyUsd(bytes, usdPerGb);
  };
  /**
   * Below every candidate of a shape wherever it goes: its replicas, and n − 1 copies at the
   * cheapest price between any two candidate regions (cross-zone included); no client traffic.
   */
  const global = (space: Space, shape: ShapeInput): number => {
    if (managed) return 0;
    const price = priceTable(space.regions);
    // The table's diagonal holds each region's cross-zone price.
    const cheapest = Math.min(...price);
    const n = shape.roles.voters + shape.roles.readOnly + shape.roles.witnesses;
    // At most ⌈n / zones⌉ − 1 copies share the sender's zone, in the region with fewest zones.
    const fewestZones = Math.min(...space.regions.map(zones));
    return shape.replicaUsdPerMonth + monthlyUsd(bytes, (n - 1 - sameZone(n, fewestZones)) * cheapest);
  };
  return { pair, global };
}

/**
 * Whether a slot of each role may count for a requirement (the analysis' own predicate). A
 * predicate that reads the slot's region or zone (multi-leader write regions, CloudNativePG's
 * standbys in the primary's region) decides per placement: the role is marked as counting — a
 * superset of the members it counts, so the survival caps stay a necessary condition (exact).
 */
function maskOf(counts: (slot: ReplicaSlot) => boolean): RoleMask {
  const may = (role?: ReplicaSlot["role"]): boolean => {
    let wherever = true;
    const probe = {
      get region() {
        wherever = false;
        return "";
      },
      get zone() {
        wherever = false;
        return "";
      },
      ...(role === undefined ? {} : { role }),
    } as ReplicaSlot;
    const counted = counts(probe);
    return counted || !wherever;
  };
  return { voters: may(), readOnly: may("readOnly"), witnesses: may("witness") };
}

/** The replica counts asked for, as a range, and whether the count is searched. */
export function countRange(
  ds: ResolvedDatastore,
  replicas: SolveOptions["replicas"],
): { range: CountRange; searched: boolean } {
  if (replicas === undefined) return { range: { min: ds.replicas, max: ds.replicas }, searched: false };
  if (typeof replicas === "number") return { range: { min: replicas, max: replicas }, searched: false };
  if (replicas === "auto")
    return { range: { min: 1, max: Math.max(ds.replicas, AUTO_MAX_REPLICAS) }, searched: true };
  return { range: replicas, searched: replicas.min !== replicas.max };
}

/**
 * The replica counts and role mixes to search, each with what the analysis requires of it: the
 * store resolved with those totals (in one region: requirements and node prices do not depend on
 * where), its REPLICATION requirements, and its replicas' cost.
 */
function shapesOf(model: Model, ds: ResolvedDatastore, region: string, options: SolveOptions): ShapeInput[] {
  const spec = model.topology.datastores[ds.name]!;
  const { range, searched } = countRange(ds, options.replicas);
  const behaviour = REPLICATION[ds.replication];
  return roleMixes(ds, range, allowedRoles(ds, options.roles), searched).map((roles: RoleCounts) => {
    const resolved = resolveDatastoreIn(
      model,
      ds.name,
      specFor(spec, candidate({ [region]: entryOf(roles) }, "")),
    );
    const req = behaviour.requirements(resolved);
    return {
      roles,
      needs: [req.write, req.read, ...(req.lead === undefined ? [] : [req.lead])].map((r) => ({
        needed: r.needed,
        counts: maskOf(r.counts),
      })),
      replicaUsdPerMonth: datastoreReplicaCost(model.catalog, resolved),
    };
  });
}

/** A miss relative to its target (availability: in units of the allowed unavailability). */
function relativeMiss(constraint: Constraint, s: Scored): number {
  const figure = figureOf(constraint, s.analysis);
  if (figure === undefined || typeof constraint.target !== "number") return Number.POSITIVE_INFINITY;
  return constraint.id === "availability"
    ? (constraint.target - figure) / (1 - constraint.target)
    : (figure - constraint.target) / constraint.target;
}

/** How far a candidate misses one constraint: the figure (availability: its shortfall). */
function missOf(constraints: readonly Constraint[], id: string, s: Scored): number {
  const constraint = constraints.find((c) => c.id === id);
  if (constraint === undefined) return Number.POSITIVE_INFINITY;
  if (id === "survive") return s.costUsdPerMonth;
  const figure = figureOf(constraint, s.analysis);
  if (figure === undefined) return Number.POSITIVE_INFINITY;
  return id === "availability" ? 1 - figure : figure;
}
