import { ENGINE_CAPABILITIES } from "../engines/capabilities.js";
import type { ResolvedDatastore } from "../model/types.js";
import type { RoleCounts } from "../spec/roles.js";
import { ROLES, type Role } from "./candidate.js";

/**
 * Roles each replication model gives a meaning to (docs/model.md "Replica roles"): consensus
 * quorums count voters and witnesses, read-only replicas serve follower reads; a primary waits only
 * for voters, read-only replicas serve reads and never take over, witnesses are failover observers.
 * Multi-leader and leaderless stores have no roles: every replica takes writes.
 */
const MODEL_ROLES: Readonly<Record<ResolvedDatastore["replication"], readonly Role[]>> = {
  consensus: ROLES,
  "primary-replica": ROLES,
  "multi-leader": ["voters"],
  leaderless: ["voters"],
};

/**
 * Roles a deploy can run: a solved placement must be one the deploy builds. `external` stores
 * (analysed, not deployed) take every role; managed services have none; on Kubernetes, the roles
 * the engine runs in any region (`replicaRoles` in src/engines/capabilities.ts: CockroachDB's
 * non-voting replicas) — a role an engine runs only outside the
 * primary's region (PostgreSQL's replica clusters) is left out, as the search does not place roles
 * by region — and none without an engine (one StatefulSet of equal members).
 */
function deployRoles(deploy: ResolvedDatastore["deploy"]): readonly Role[] {
  if (deploy.target === "external") return ROLES;
  if (deploy.target !== "kubernetes" || deploy.engine === undefined) return ["voters"];
  const roles = ENGINE_CAPABILITIES[deploy.engine].replicaRoles;
  return ROLES.filter((role) => role === "voters" || roles[role].where === "anywhere");
}

/** Roles the declared placement uses: what the search may use when not told (voters always). */
export function declaredRoles(ds: ResolvedDatastore): Role[] {
  return ROLES.filter((role) => role === "voters" || ds.placement.some((p) => p[role] > 0));
}

/** The roles the search may use: those asked for that the model and the deploy target allow. */
export function allowedRoles(ds: ResolvedDatastore, asked: readonly Role[] | "all" | undefined): Role[] {
  const wanted = asked === "all" ? ROLES : (asked ?? declaredRoles(ds));
  return ROLES.filter(
    (role) =>
      role === "voters" ||
      (wanted.includes(role) &&
        MODEL_ROLES[ds.replication].includes(role) &&
        deployRoles(ds.deploy).includes(role)),
  );
}

/** Replica counts the search tries: a fixed count, or a range. */
export interface CountRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Largest count `--replicas auto` tries when the spec declares fewer: etcd's FAQ recommends
 * clusters of 3, 5 or 7 members ("a larger cluster offers better fault tolerance but worse write
 * performance"), and the survival goals need at most 5 voters.
 */
export const AUTO_MAX_REPLICAS = 7;

/**
 * Every mix of roles for the counts in `range` (at least one voter: only voters lead). When the
 * count is searched, a consensus store keeps an odd number of voting members: an even one
 * tolerates no more failures than one fewer (etcd FAQ, "Why an odd number of cluster members?")
 * and needs a larger quorum.
 */
export function roleMixes(
  ds: ResolvedDatastore,
  range: CountRange,
  roles: readonly Role[],
  searched: boolean,
): RoleCounts[] {
  const out: RoleCounts[] = [];
  const may = (role: Role) => roles.includes(role);
  for (let n = range.min; n <= range.max; n++)
    for (let witnesses = 0; witnesses <= (may("witnesses") ? n - 1 : 0); witnesses++)
      for (let readOnly = 0; readOnly <= (may("readOnly") ? n - 1 - witnesses : 0); readOnly++) {
        const voters = n - witnesses - readOnly;
        if (searched && ds.replication === "consensus" && (voters + witnesses) % 2 === 0) continue;
        out.push({ voters, readOnly, witnesses });
      }
  return out;
}
