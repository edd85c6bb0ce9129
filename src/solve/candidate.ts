import type { Datastore } from "../spec/schema/topology.js";

/**
 * One point of the search space: replicas per region and the preferred leader region. Replica
 * roles (voters / read-only / witnesses) will widen `placement` to region → role counts; every
 * other part of the solver reads candidates only through `specFor` and `describe`, so that change
 * stays in this file and in the enumeration of counts.
 */
export interface Candidate {
  /** Region → replicas, keys sorted. */
  readonly placement: Readonly<Record<string, number>>;
  /**
   * Preferred leader / primary region (one of the placement's regions); "" lets the model choose
   * (stores without a single leader: the region with most replicas, then most users).
   */
  readonly leader: string;
}

/** The datastore spec with the candidate's placement and leader in place of the declared ones. */
export function specFor(spec: Datastore, candidate: Candidate): Datastore {
  const replicas = Object.values(candidate.placement).reduce((sum, n) => sum + n, 0);
  const { leaders, leader: _declared, ...rest } = spec;
  // multi-leader: declared write regions that the candidate places; none placed → every region writes.
  const placedLeaders = leaders?.filter((region) => region in candidate.placement) ?? [];
  return {
    ...rest,
    replicas,
    placement: { ...candidate.placement },
    ...(candidate.leader === "" ? {} : { leader: candidate.leader }),
    ...(placedLeaders.length > 0 ? { leaders: placedLeaders } : {}),
  };
}

/** `eu-west-1: 2, eu-central-1: 2, eu-north-1: 1 (leader eu-west-1)`: largest counts first. */
export function describe(candidate: Candidate): string {
  const parts = Object.entries(candidate.placement)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([region, n]) => `${region}: ${n}`);
  return `${parts.join(", ")} (leader ${candidate.leader})`;
}

/** Stable identity of a candidate, for de-duplication and tests. */
export function keyOf(candidate: Candidate): string {
  const counts = Object.entries(candidate.placement)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([region, n]) => `${region}=${n}`);
  return `${counts.join(",")}@${candidate.leader}`;
}

/** Builds a candidate with its keys sorted, so equal placements print and compare equal. */
export function candidate(placement: Readonly<Record<string, number>>, leader: string): Candidate {
  const sorted = Object.fromEntries(
    Object.entries(placement)
      .filter(([, n]) => n > 0)
      .sort((a, b) => a[0].localeCompare(b[0])),
  );
  return { placement: sorted, leader };
}
