import { byText } from "../order.js";
import { type RoleCounts, roleCounts, totalOf } from "../spec/roles.js";
import type { Datastore } from "../spec/schema/topology.js";

/**
 * One region's replicas as the spec writes them: a count (that many voters), or replicas by role
 * with only the non-zero roles present (`{ voters: 1, witnesses: 1 }`).
 */
export type Entry =
  | number
  | { readonly voters?: number; readonly readOnly?: number; readonly witnesses?: number };

/** The roles, in the order the spec and the model list them (voters first). */
export const ROLES = ["voters", "readOnly", "witnesses"] as const;
export type Role = (typeof ROLES)[number];

/**
 * One point of the search space: replicas per region (by role) and the preferred leader region.
 * Every other part of the solver reads candidates only through `specFor`, `describe` and
 * `rolesAt`, so the shape of an entry stays in this file.
 */
export interface Candidate {
  /** Region → replicas (a count of voters, or by role), keys sorted. */
  readonly placement: Readonly<Record<string, Entry>>;
  /**
   * Preferred leader / primary region (one of the placement's regions with a voter); "" lets the
   * model choose (stores without a single leader: the region with most replicas, then most users).
   */
  readonly leader: string;
}

/** The entry of role counts as the spec writes it: a bare count when every replica is a voter. */
export function entryOf(roles: RoleCounts): Entry {
  if (roles.readOnly === 0 && roles.witnesses === 0) return roles.voters;
  return Object.fromEntries(ROLES.filter((role) => roles[role] > 0).map((role) => [role, roles[role]]));
}

export const rolesAt = (c: Candidate, region: string): RoleCounts => roleCounts(c.placement[region] ?? 0);

/** Replicas of every role together. */
export const replicasOf = (c: Pick<Candidate, "placement">): number =>
  Object.values(c.placement).reduce<number>((sum, e) => sum + totalOf(roleCounts(e)), 0);

/** The datastore spec with the candidate's placement and leader in place of the declared ones. */
export function specFor(spec: Datastore, candidate: Candidate): Datastore {
  const { leaders, leader: _declared, ...rest } = spec;
  // multi-leader: declared write regions that the candidate places; none placed → every region writes.
  const placedLeaders = leaders?.filter((region) => region in candidate.placement) ?? [];
  return {
    ...rest,
    replicas: replicasOf(candidate),
    placement: Object.fromEntries(
      Object.entries(candidate.placement).map(([region, entry]) => [region, roleCounts(entry)]),
    ),
    ...(candidate.leader === "" ? {} : { leader: candidate.leader }),
    ...(placedLeaders.length > 0 ? { leaders: placedLeaders } : {}),
  };
}

/** `2`, `2 + 1 read-only`, `1 witness`: an entry in words. */
export function entryText(entry: Entry): string {
  const r = roleCounts(entry);
  const parts = [
    ...(r.voters > 0 || totalOf(r) === 0 ? [`${r.voters}`] : []),
    ...(r.readOnly > 0 ? [`${r.readOnly} read-only`] : []),
    ...(r.witnesses > 0 ? [`${r.witnesses} witness${r.witnesses === 1 ? "" : "es"}`] : []),
  ];
  return parts.join(" + ");
}

/** Entries largest first (all roles together), then by region code. */
export function sortedEntries(placement: Readonly<Record<string, Entry>>): [string, Entry][] {
  const total = (e: Entry) => totalOf(roleCounts(e));
  return Object.entries(placement).sort((a, b) => total(b[1]) - total(a[1]) || byText(a[0], b[0]));
}

/**
 * `eu-west-1: 2, eu-central-1: 2, eu-north-1: 1 witness (leader eu-west-1)`: largest first. The
 * leader only for a leader-based model: a multi-leader or leaderless store has none to name.
 */
export function describe(candidate: Candidate, leaderBased = true): string {
  const parts = sortedEntries(candidate.placement).map(([region, e]) => `${region}: ${entryText(e)}`);
  return leaderBased && candidate.leader !== ""
    ? `${parts.join(", ")} (leader ${candidate.leader})`
    : parts.join(", ");
}

/** Stable identity of a candidate, for de-duplication and tests. */
export function keyOf(candidate: Candidate): string {
  const counts = Object.entries(candidate.placement)
    .sort((a, b) => byText(a[0], b[0]))
    .map(([region, e]) => {
      const r = roleCounts(e);
      return `${region}=${r.voters}${r.readOnly > 0 ? `r${r.readOnly}` : ""}${r.witnesses > 0 ? `w${r.witnesses}` : ""}`;
    });
  return `${counts.join(",")}@${candidate.leader}`;
}

/** Builds a candidate with its keys sorted and empty regions dropped, so equal placements compare equal. */
export function candidate(placement: Readonly<Record<string, Entry>>, leader: string): Candidate {
  const sorted = Object.fromEntries(
    Object.entries(placement)
      .map(([region, e]) => [region, roleCounts(e)] as const)
      .filter(([, r]) => totalOf(r) > 0)
      .sort((a, b) => byText(a[0], b[0]))
      .map(([region, r]) => [region, entryOf(r)]),
  );
  return { placement: sorted, leader };
}
