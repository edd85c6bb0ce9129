/**
 * The declared placement, leader and survival goal of a CockroachDB datastore as SQL, run once by
 * the placement Job. Two forms, as CockroachDB's docs offer them:
 *
 * - Multi-region SQL (https://www.cockroachlabs.com/docs/v24.3/multiregion-overview): `SET PRIMARY
 *   REGION`, `ADD REGION`, `SURVIVE REGION FAILURE`. Region survival fixes its own layout
 *   (https://www.cockroachlabs.com/docs/v24.3/multiregion-survival-goals#survive-region-failures):
 *   5 voting replicas, 2 of them in the primary region, at least 3 database regions. It is used
 *   only when the declared placement is that layout (5 replicas, 2 in the leader region, every
 *   other region at least 1, 3 or 4 regions); CockroachDB's allocator then chooses which
 *   non-primary region holds a second voter, which changes neither the commit quorum (the
 *   leader's 2 plus the nearest other region) nor survival of any one region.
 * - Otherwise a zone configuration on the database
 *   (https://www.cockroachlabs.com/docs/v24.3/configure-replication-zones): `num_replicas` = the
 *   declared replicas, `num_voters` = those that vote in the model (voters and witnesses),
 *   per-region replica counts as per-replica `constraints` and, when some replicas do not vote,
 *   per-region voter counts as `voter_constraints` (read-only replicas become CockroachDB's
 *   non-voting replicas: they serve follower reads and never join a quorum), and the lease
 *   preferences (`lease_preferences = '[[+region=<leader>], [+region=<next>], …]'`): the leader
 *   region, then the regions the analysis elects when it is lost, in its order
 *   (src/analysis/leader-succession.ts), so the leaseholder — which serves reads and coordinates
 *   writes — sits where the model expects the leader, before and after a region failure.
 *   CockroachDB has no witness replica: a witness becomes a voter that also holds data, so every
 *   quorum is the one the model counts; it is not in the lease preferences, so it takes the lease
 *   only when no listed region can (preferences are not constraints), where the model counts the
 *   store without a leader.
 *
 * Names are DNS labels (validated by the spec); they are still quoted as SQL identifiers and JSON
 * strings, so no name can end a literal.
 */
import { leaderSuccession } from "../analysis/leader-succession.js";
import type { Model, RegionPlacement, ResolvedDatastore } from "../model/types.js";

/** Database of a component: its name with `-` → `_` (an unquoted-safe SQL identifier). */
export function databaseName(component: string): string {
  return component.replace(/-/g, "_");
}

/** A SQL identifier, double-quoted with `"` doubled (https://www.cockroachlabs.com/docs/v24.3/keywords-and-identifiers). */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal, single-quoted with `'` doubled. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** True when the placement is exactly what `SURVIVE REGION FAILURE` builds (see the file comment). */
export function isRegionSurvivalLayout(store: ResolvedDatastore): boolean {
  const regions = store.placement.filter((p) => p.replicas > 0);
  const leader = regions.find((p) => p.region === store.leader);
  return (
    store.survive === "region" &&
    regions.length >= 3 &&
    regions.length <= 4 &&
    store.replicas === 5 &&
    leader?.replicas === 2 &&
    // SURVIVE REGION FAILURE makes all 5 replicas voters: a read-only replica would vote.
    regions.every((p) => p.replicas >= 1 && p.replicas <= 2 && p.readOnly === 0)
  );
}

/** Replicas of a region that vote: voters, and witnesses (voters holding data in CockroachDB). */
const voting = (p: RegionPlacement): number => p.voters + p.witnesses;

/** The statements the placement Job runs, in order. Idempotent: the Job may run them again. */
export function placementStatements(model: Model, store: ResolvedDatastore): string[] {
  const db = sqlIdentifier(databaseName(store.name));
  const create = `CREATE DATABASE IF NOT EXISTS ${db}`;
  if (isRegionSurvivalLayout(store)) {
    const others = store.placement
      .filter((p) => p.replicas > 0 && p.region !== store.leader)
      .map((p) => `ALTER DATABASE ${db} ADD REGION IF NOT EXISTS ${sqlIdentifier(p.region)}`);
    return [
      create,
      `ALTER DATABASE ${db} SET PRIMARY REGION ${sqlIdentifier(store.leader)}`,
      ...others,
      `ALTER DATABASE ${db} SURVIVE REGION FAILURE`,
    ];
  }
  return [create, zoneConfigStatement(store, leaderSuccession(model, store))];
}

/**
 * `ALTER DATABASE … CONFIGURE ZONE USING …` with the exact placement counts and the lease
 * preferences: the leader's region, then `successors` in order.
 */
export function zoneConfigStatement(store: ResolvedDatastore, successors: readonly string[] = []): string {
  const perRegion = (count: (p: RegionPlacement) => number) => {
    const counts: Record<string, number> = {};
    for (const p of store.placement) if (count(p) > 0) counts[`+region=${p.region}`] = count(p);
    return sqlString(JSON.stringify(counts));
  };
  const voters = store.placement.reduce((sum, p) => sum + voting(p), 0);
  const leasePreferences = JSON.stringify([store.leader, ...successors].map((r) => [`+region=${r}`])).replace(
    /"/g,
    "",
  );
  return (
    `ALTER DATABASE ${sqlIdentifier(databaseName(store.name))} CONFIGURE ZONE USING ` +
    `num_replicas = ${store.replicas}, num_voters = ${voters}, ` +
    `constraints = ${perRegion((p) => p.replicas)}, ` +
    (voters < store.replicas ? `voter_constraints = ${perRegion(voting)}, ` : "") +
    `lease_preferences = ${sqlString(leasePreferences)}`
  );
}
