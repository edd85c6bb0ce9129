import type { RegionPlacement, ResolvedDatastore, ResolvedStream } from "../../model/types.js";
import { byText } from "../../order.js";

/**
 * PodDisruptionBudget arithmetic. Pure; see README.md "Disruption budgets" for the reasoning.
 */

/**
 * Replica failures a datastore's quorum tolerates: f = replicas − max(W, R). Both quorums count:
 * a drain that leaves fewer than R replicas breaks reads even when writes still commit.
 * `replicas` here are the members the quorums are counted over ({@link quorumMembers}).
 */
export function toleratedFailures(store: Pick<ResolvedDatastore, "replicas" | "quorum">): number {
  return Math.max(0, store.replicas - Math.max(store.quorum.write, store.quorum.read));
}

/**
 * The members a datastore's quorums are counted over (src/model/resolve.ts): consensus, the voting
 * ones (voters and witnesses); primary-replica, the voters (the standbys that acknowledge a
 * synchronous commit); otherwise every replica. A budget selects every pod of the component and
 * cannot tell a read-only replica from a voter, so a drain may take the quorum's members first:
 * counting read-only replicas and witnesses in f would let it take the quorum itself.
 */
export function quorumMembers(
  store: Pick<ResolvedDatastore, "replication" | "replicas" | "placement">,
): number {
  const sum = (count: (p: RegionPlacement) => number) =>
    store.placement.reduce((total, p) => total + count(p), 0);
  if (store.replication === "consensus") return sum((p) => p.voters + p.witnesses);
  if (store.replication === "primary-replica") return sum((p) => p.voters);
  return store.replicas;
}

/**
 * What a drain may take of one region's pods: all but one where it has several. Callers reach a
 * datastore through their own cluster's Service (its pods are the region's only way in), so a
 * region whose quorum arithmetic allowed draining every local pod would cut its callers off while
 * the datastore as a whole stayed up. A region with one pod has no second to keep serving: its
 * budget comes from the split alone (0 would block every drain of that node for good).
 */
export const regionDrainCap = (replicas: number): number => (replicas >= 2 ? replicas - 1 : replicas);

/**
 * Splits a global disruption allowance `tolerated` into per-region `maxUnavailable` values whose
 * sum never exceeds it. Each region's cluster has its own PDB and nothing coordinates drains across
 * clusters, so two regions draining at once must still leave a quorum: Σ maxUnavailable ≤ f.
 *
 * Units go out one at a time, round-robin, to regions in order of most replicas (ties by name), each
 * capped at {@link regionDrainCap} of that region's replicas. So every region gets ⌊f/k⌋ or ⌈f/k⌉
 * (k regions) unless capped, the total is min(f, Σ caps) — no allowance is wasted — and when f < k
 * the regions with fewer replicas get 0 (their drains wait for an operator: see README.md).
 */
export function splitDisruptionBudget(
  regions: readonly { readonly region: string; readonly replicas: number }[],
  tolerated: number,
): Map<string, number> {
  const order = [...regions].sort((a, b) => b.replicas - a.replicas || byText(a.region, b.region));
  const budget = new Map(order.map((r) => [r.region, 0]));
  let left = Math.max(0, Math.floor(tolerated));
  let progressed = true;
  while (left > 0 && progressed) {
    progressed = false;
    for (const { region, replicas } of order) {
      const current = budget.get(region) ?? 0;
      if (left > 0 && current < regionDrainCap(replicas)) {
        budget.set(region, current + 1);
        left -= 1;
        progressed = true;
      }
    }
  }
  return budget;
}

/**
 * Per-region maxUnavailable for a datastore's StatefulSets. `failoverQuorum`: members that must
 * stay up for the engine to elect a new primary (Redis: a majority of its Sentinels, one per
 * member), when that binds more than the write and read quorums.
 */
export function datastoreDisruptionBudgets(
  store: Pick<ResolvedDatastore, "replication" | "replicas" | "quorum" | "placement">,
  failoverQuorum = 0,
): Map<string, number> {
  const members = quorumMembers(store);
  const tolerated = Math.min(
    toleratedFailures({ replicas: members, quorum: store.quorum }),
    Math.max(0, store.replicas - failoverQuorum),
  );
  return splitDisruptionBudget(
    store.placement.filter((p) => p.replicas > 0),
    tolerated,
  );
}

/**
 * maxUnavailable of a stream's brokers in one region: replicas − minInSync, so acks=all writes keep
 * an in-sync quorum. Each region is its own cluster (no cross-region replication), so no split.
 */
export function streamDisruptionBudget(stream: Pick<ResolvedStream, "replicas" | "minInSync">): number {
  return Math.max(0, stream.replicas - stream.minInSync);
}
