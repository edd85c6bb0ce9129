import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { baselineNetworkView } from "../../src/analysis/network.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model } from "../../src/model/types.js";
import { byText } from "../../src/order.js";
import { type Candidate, candidate, type Entry, keyOf, type Role } from "../../src/solve/candidate.js";
import { opWeights } from "../../src/solve/objective.js";
import { roleCounts, totalOf } from "../../src/spec/roles.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { build } from "../analysis/helpers.js";

export { build };

/**
 * Every way to put `n` replicas into `regions` with the given roles, as placements: each region
 * gets voters, read-only replicas and witnesses (only the roles listed), at least one voter in all.
 */
export function rolePlacements(
  n: number,
  regions: readonly string[],
  roles: readonly Role[],
): Record<string, Entry>[] {
  const cells = regions.flatMap((region) => roles.map((role) => [region, role] as const));
  const out: Record<string, Entry>[] = [];
  const counts = new Array<number>(cells.length).fill(0);
  const place = (i: number, left: number): void => {
    if (i === cells.length) {
      if (left > 0) return;
      const placement: Record<string, { voters: number; readOnly: number; witnesses: number }> = {};
      cells.forEach(([region, role], k) => {
        if (counts[k] === 0) return;
        placement[region] ??= { voters: 0, readOnly: 0, witnesses: 0 };
        placement[region][role] += counts[k]!;
      });
      if (Object.values(placement).some((p) => p.voters > 0)) out.push(placement);
      return;
    }
    for (let c = left; c >= 0; c--) {
      counts[i] = c;
      place(i + 1, left - c);
    }
    counts[i] = 0;
  };
  place(0, n);
  return out;
}

export interface BruteForceBest {
  readonly candidate: Candidate;
  readonly costCents: number;
  readonly latencyHundredths: number;
  readonly feasible: number;
  /** Candidates the brute force evaluated. */
  readonly total: number;
}

export interface BruteForceDomain {
  /** Replica counts to try. @default the declared count */
  readonly counts?: readonly number[];
  /** Roles besides voters. @default voters only */
  readonly roles?: readonly Role[];
  /** Keep only placements whose voting members (voters + witnesses) are odd. @default false */
  readonly oddVoting?: boolean;
}

/**
 * The optimum by brute force, with nothing of the solver but the candidate type: every placement
 * of the datastore's replicas over `regions` (every count and role mix of the domain) with every
 * leader among the regions holding a voter, each through the full pipeline (resolve → analyse →
 * every policy); feasible iff no error-level finding at all; best by cost, then demand-weighted
 * p99, in the solver's rounding.
 */
export function bruteForce(
  model: Model,
  name: string,
  regions: readonly string[],
  domain: BruteForceDomain = {},
): BruteForceBest | undefined {
  const ds = model.datastores.find((d) => d.name === name)!;
  const weights = opWeights(ds);
  // Ties on both figures: the current placement, then replicas nearest the demand (each replica's
  // demand-weighted RTT from the read and write origins, summed), then the key.
  const currentKey = keyOf(
    candidate(
      Object.fromEntries(
        ds.placement.map((p) => [
          p.region,
          p.voters === p.replicas
            ? p.replicas
            : { voters: p.voters, readOnly: p.readOnly, witnesses: p.witnesses },
        ]),
      ),
      ds.leader,
    ),
  );
  const now = analyse(model).datastores.find((d) => d.name === name)!;
  const net = baselineNetworkView(model);
  const demand = [
    ...now.read.byOrigin.map((o) => ({ region: o.origin, weight: o.share * weights.read })),
    ...now.write.byOrigin.map((o) => ({ region: o.origin, weight: o.share * weights.write })),
  ];
  const preference = (c: Candidate) =>
    keyOf(c) === currentKey
      ? Number.MIN_SAFE_INTEGER
      : Math.round(
          Object.entries(c.placement).reduce(
            (sum, [region, entry]) =>
              sum +
              totalOf(roleCounts(entry)) *
                demand.reduce((near, o) => near + o.weight * net.rtt(o.region, region), 0),
            0,
          ) * 100,
        );
  const roles: Role[] = ["voters", ...(domain.roles ?? []).filter((r) => r !== "voters")];
  let best: BruteForceBest | undefined;
  let feasible = 0;
  let total = 0;
  for (const n of domain.counts ?? [ds.replicas])
    for (const placement of rolePlacements(n, regions, roles)) {
      const voting = Object.values(placement).reduce<number>(
        (sum, e) => sum + (typeof e === "number" ? e : (e.voters ?? 0) + (e.witnesses ?? 0)),
        0,
      );
      if (domain.oddVoting && voting % 2 === 0) continue;
      const leaders = Object.entries(placement)
        .filter(([, e]) => (typeof e === "number" ? e : (e.voters ?? 0)) > 0)
        .map(([region]) => region);
      for (const leader of leaders) {
        total++;
        const c = candidate(placement, leader);
        const resolved = resolveModel(model.topology, model.catalog, { [name]: c });
        const analysis = analyse(resolved);
        const { findings } = runPolicies(resolved, analysis);
        if (findings.some((f) => f.severity === "error" && (f.status ?? "fail") === "fail")) continue;
        feasible++;
        const a = analysis.datastores.find((d) => d.name === name)!;
        const costCents = Math.round((a.costUsdPerMonth.replicas + a.costUsdPerMonth.egress) * 100);
        const latencyHundredths = Math.round(
          (weights.read * a.read.weightedP99Ms + weights.write * a.write.weightedP99Ms) * 100,
        );
        const better =
          best === undefined ||
          costCents - best.costCents ||
          latencyHundredths - best.latencyHundredths ||
          preference(c) - preference(best.candidate) ||
          byText(keyOf(c), keyOf(best.candidate));
        if (best === undefined || (better as number) < 0)
          best = { candidate: c, costCents, latencyHundredths, feasible, total };
      }
    }
  return best === undefined ? undefined : { ...best, feasible, total };
}

/** A one-datastore topology with callers in two regions. */
/** The shop's API: writes and reads `orders` from Dublin and Frankfurt. */
export const SHOP_API = {
  regions: ["eu-west-1", "eu-central-1"],
  calls: [
    { to: "orders", op: "write" as const, timeoutMs: 500 },
    { to: "orders", op: "read" as const, timeoutMs: 500 },
  ],
};

export function shop(store: Record<string, unknown>, extra: Partial<TopologyInput> = {}): Model {
  return build({
    users: { "eu-west-1": 0.5, "eu-central-1": 0.3, "us-east-1": 0.2 },
    datastores: {
      orders: {
        replication: "consensus",
        replicas: 3,
        placement: "auto",
        traffic: { readsPerSec: 2000, writesPerSec: 500, itemBytes: 1024 },
        ...store,
      } as never,
    },
    services: { api: SHOP_API },
    ...extra,
  });
}

/**
 * `b`: another store on Dublin → Frankfurt, 1 MB/s of replication (1 write/s of 1 MB), for the
 * tests where a candidate of `a` loads the link `b` needs; with `slo`, its objectives.
 */
export const dublinFrankfurtNeighbour = (slo?: Record<string, number>) => ({
  replication: "primary-replica",
  sync: "async",
  consistency: "eventual",
  // A standby beside the primary: without one, losing the primary's zone waits for an operator
  // (survival), whatever `a`'s placement.
  replicas: 3,
  placement: { "eu-west-1": 2, "eu-central-1": 1 },
  leader: "eu-west-1",
  traffic: { readsPerSec: 1, writesPerSec: 1, itemBytes: 1_000_000 },
  ...(slo === undefined ? {} : { slo }),
  deploy: { target: "external" },
});

/** The service in Dublin that writes to `a` and `b`. */
export const WRITER_OF_A_AND_B = {
  regions: ["eu-west-1"],
  calls: [
    { to: "a", op: "write", timeoutMs: 5000 },
    { to: "b", op: "write", timeoutMs: 5000 },
  ],
};
