import { runPolicies } from "../../policies/run.js";
import { analyse } from "../../src/analysis/index.js";
import { resolveModel } from "../../src/model/resolve.js";
import type { Model } from "../../src/model/types.js";
import { type Candidate, candidate, keyOf } from "../../src/solve/candidate.js";
import { opWeights } from "../../src/solve/objective.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { build } from "../analysis/helpers.js";

export { build };

/** Every way to put `n` replicas into `regions` (count vectors), no pruning at all. */
export function compositions(n: number, regions: readonly string[]): Record<string, number>[] {
  if (regions.length === 0) return n === 0 ? [{}] : [];
  const [first, ...rest] = regions;
  const out: Record<string, number>[] = [];
  for (let c = n; c >= 0; c--)
    for (const tail of compositions(n - c, rest)) out.push(c > 0 ? { [first!]: c, ...tail } : tail);
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

/**
 * The optimum by brute force, with nothing of the solver but the candidate type: every placement
 * of the datastore's replicas over `regions` with every leader, each through the full pipeline
 * (resolve → analyse → every policy); feasible iff no error-level finding at all; best by cost,
 * then demand-weighted p99, in the solver's rounding.
 */
export function bruteForce(
  model: Model,
  name: string,
  regions: readonly string[],
): BruteForceBest | undefined {
  const ds = model.datastores.find((d) => d.name === name)!;
  const weights = opWeights(ds);
  let best: BruteForceBest | undefined;
  let feasible = 0;
  let total = 0;
  for (const placement of compositions(ds.replicas, regions)) {
    for (const leader of Object.keys(placement)) {
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
        keyOf(c).localeCompare(keyOf(best.candidate));
      if (best === undefined || (better as number) < 0)
        best = { candidate: c, costCents, latencyHundredths, feasible, total };
    }
  }
  return best === undefined ? undefined : { ...best, feasible, total };
}

/** A one-datastore topology with callers in two regions. */
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
    services: {
      api: {
        regions: ["eu-west-1", "eu-central-1"],
        calls: [
          { to: "orders", op: "write", timeoutMs: 500 },
          { to: "orders", op: "read", timeoutMs: 500 },
        ],
      },
    },
    ...extra,
  });
}
